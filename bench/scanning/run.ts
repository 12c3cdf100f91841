// Scanning cost: messages per second the MX listener accepts with the scanners off, with clamd only, and
// with clamd and spamd, in one run on one machine. Real daemons (the test helpers' private clamd with the
// EICAR database, spamd with the shipped rules and no network tests), the real `mailroom serve` process,
// nodemailer's SMTP client as the load (a new connection per message). Writes the "Scanning" section of
// BENCHMARKS.md.
//
//   node --import tsx bench/scanning/run.ts                 # 200 messages per configuration and round, 2 rounds
//   node --import tsx bench/scanning/run.ts --messages 100 --rounds 1 --no-write
//   node --import tsx bench/scanning/run.ts --help
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { ClamdClient } from '../../server/src/scan/clamd.ts';
import { SpamdClient } from '../../server/src/scan/spamd.ts';
import { ClamdProcess } from '../../server/test/helpers/clamd.ts';
import { MailroomProcess } from '../../server/test/helpers/mailroom.ts';
import { sendMail } from '../../server/test/helpers/send.ts';
import { SpamdProcess } from '../../server/test/helpers/spamd.ts';
import { writeSection } from '../benchmarks-md.ts';
import { defineOptions, readOptions } from '../options.ts';

const SECTION_TITLE = '## Scanning';
const RECIPIENT = 'user@bench.test';

const OPTIONS = defineOptions({
  usage: 'node --import tsx bench/scanning/run.ts [options]',
  options: {
    messages: { type: 'integer', default: 200, help: 'messages per configuration and round' },
    rounds: { type: 'integer', default: 2, help: 'rounds; each runs every configuration once' },
    sessions: { type: 'integer', default: 10, help: 'concurrent SMTP sessions' },
    'no-write': { type: 'boolean', help: 'print only; leave BENCHMARKS.md as it is' },
  },
});
const options = readOptions(OPTIONS);
const MESSAGES = options.messages;
const ROUNDS = options.rounds;
const SESSIONS = options.sessions;

interface Config {
  id: string;
  label: string;
  env: (clamd: ClamdProcess, spamd: SpamdProcess) => Record<string, string>;
}

const CONFIGS: Config[] = [
  { id: 'off', label: 'scanners off', env: () => ({}) },
  { id: 'clamd', label: 'clamd only', env: (c) => ({ MAILROOM_CLAMD: c.tcpUrl }) },
  { id: 'both', label: 'clamd + spamd', env: (c, s) => ({ MAILROOM_CLAMD: c.tcpUrl, MAILROOM_SPAMD: s.address }) },
];

/** An ordinary 2.5 KB personal message: ham, so every configuration delivers it the same way. */
function message(n: number): string {
  const para =
    'Thanks for the notes from Tuesday. I went through the figures again and the second quarter still looks right to me; the travel line is the only one I would question before we send it on.';
  return [
    `From: Bob <bob@sender.bench.test>`,
    `To: <${RECIPIENT}>`,
    `Subject: Figures for the review, part ${n}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench-${n}-${Date.now()}@sender.bench.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...Array.from({ length: 12 }, () => para),
    '',
    'Bob',
    '',
  ].join('\r\n');
}

async function load(port: number, count: number): Promise<{ seconds: number; latenciesMs: number[] }> {
  let next = 0;
  const latenciesMs: number[] = [];
  const started = performance.now();
  const worker = async () => {
    for (let n = next++; n < count; n = next++) {
      const t0 = performance.now();
      const r = await sendMail({ port, from: 'bob@sender.bench.test', to: [RECIPIENT], content: message(n), starttls: false, timeoutMs: 120_000 });
      if (!r.response.startsWith('250')) throw new Error(`message ${n}: ${r.response}`);
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: SESSIONS }, worker));
  return { seconds: (performance.now() - started) / 1000, latenciesMs };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));

async function main(): Promise<void> {
  const runStarted = Date.now();
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const [clamd, spamd] = await Promise.all([ClamdProcess.start(), SpamdProcess.start()]);
  const servers = new Map<string, MailroomProcess>();
  try {
    for (const c of CONFIGS) {
      // Every session comes from 127.0.0.1 and MX sessions never log in: at the per-address cap on sessions
      // not logged in (limits.max_unauthenticated_per_ip, 10), a new connection can arrive before the one it
      // replaces has closed, and is refused with 421.
      const env = { MAILROOM_LOG_LEVEL: 'warn', MAILROOM_IMAP_PORT: 'off', MAILROOM_POP3_PORT: 'off', MAILROOM_SUBMISSION_PORT: 'off', MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: '1000' };
      const mr = await MailroomProcess.create({ env: { ...env, ...c.env(clamd, spamd) } });
      await mr.cli('domain', 'add', 'bench.test');
      await mr.cli('account', 'add', RECIPIENT, '--password', 'bench password');
      await mr.start();
      servers.set(c.id, mr);
      await load(mr.ports.smtp, 20); // warm-up: JIT, first connections to the daemons
    }
    const results = new Map<string, Array<{ rate: number; latenciesMs: number[] }>>(CONFIGS.map((c) => [c.id, []]));
    // Rounds interleave the configurations, so background load drifts over all of them alike.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of CONFIGS) {
        const { seconds, latenciesMs } = await load(servers.get(c.id)!.ports.smtp, MESSAGES);
        results.get(c.id)!.push({ rate: MESSAGES / seconds, latenciesMs });
        process.stdout.write(`round ${round}: ${c.label}: ${fmt(MESSAGES / seconds)} msg/s\n`);
      }
    }
    const checks = await checkCosts(clamd, spamd);
    const offRate = median(results.get('off')!.map((r) => r.rate));
    const rows = CONFIGS.map((c) => {
      const rs = results.get(c.id)!;
      const rates = rs.map((r) => r.rate);
      const lat = rs.flatMap((r) => r.latenciesMs);
      const rate = median(rates);
      const range = rs.length > 1 ? ` (${fmt(Math.min(...rates))}-${fmt(Math.max(...rates))})` : '';
      return `| ${c.label} | ${MESSAGES} x ${rs.length} | ${fmt(rate)}${range} | ${(rate / offRate).toFixed(2)}x | ${median(lat).toFixed(0)} | ${pct(lat, 95).toFixed(0)} |`;
    });
    const clamdVersion = await versionOf(clamd);
    const section = [
      SECTION_TITLE,
      '',
      `Messages per second the MX listener accepted (every one answered 250 after its scan and the commit), with ${SESSIONS} concurrent`,
      'nodemailer sessions, a new connection per message, 2.5 KB ham messages. Each configuration is its own `mailroom serve`',
      'started once and warmed up; rounds interleave the configurations, the table shows the median and the range.',
      'Scanning happens in the DATA phase, so its time is in every 250: clamd and spamd run on the same 2 cores',
      '(spamd with 2 children, as the test helper starts it; Mailroom sends at most scan.max_concurrent = 4 checks at once).',
      '',
      `Reproduce: \`node --import tsx bench/scanning/run.ts\` (needs clamd and spamd installed; this run took ${((Date.now() - runStarted) / 60_000).toFixed(1)} min).`,
      '',
      '| configuration | messages | accepted msg/s | vs off | median 250 latency ms | p95 ms |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `One check of the same message on its own, sequentially, right after the load (median of 20): clamd ${checks.clamdMs.toFixed(1)} ms, spamd ${checks.spamdMs.toFixed(0)} ms.`,
      "So with spamd the rate is SpamAssassin's (about its children divided by the time of one check on a shared CPU), not Mailroom's;",
      'the clamd-only row is the cost of scanning in the session. Refused mail (viruses, spam at the reject score) costs the same check time.',
      '',
      `Conditions: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${clamdVersion}, SpamAssassin spamd with the Debian rules; load average before ${loadBefore}, after ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other work shared the machine).`,
      '',
    ].join('\n');
    process.stdout.write(`\n${section}`);
    if (!options['no-write']) {
      writeSection(SECTION_TITLE, section, (line) => process.stdout.write(`${line}\n`));
    }
  } finally {
    await Promise.all([...servers.values()].map((mr) => mr.stop()));
    servers.forEach((mr) => mr.cleanup());
    await Promise.all([clamd.cleanup(), spamd.cleanup()]);
  }
}

async function checkCosts(clamd: ClamdProcess, spamd: SpamdProcess): Promise<{ clamdMs: number; spamdMs: number }> {
  const content = Buffer.from(message(0));
  const time = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await fn();
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const c = new ClamdClient({ url: clamd.tcpUrl });
  const sd = new SpamdClient({ address: spamd.address });
  return { clamdMs: await time(() => c.scan(content)), spamdMs: await time(() => sd.check(content)) };
}

async function versionOf(clamd: ClamdProcess): Promise<string> {
  try {
    return (await new ClamdClient({ url: clamd.tcpUrl }).version()).split('/')[0]!;
  } catch {
    return 'ClamAV';
  }
}

await main();
