// What logging costs SMTP throughput: Mailroom with logging at its defaults (no Loki) against every log
// category on with the lines shipped to a Loki push endpoint (and, to tell the two costs apart, every
// category on without Loki), in one run, interleaved; and how many lines per second the Loki client
// sustained. Postfix's smtp-source is the load, as in bench/smtp-throughput. Writes the "Logging"
// section of BENCHMARKS.md.
//
//   npm run bench:logging               # 5 runs of each configuration, 5000 messages of 1 KiB (about 8 min)
//   npm run bench:logging -- --quick    # smoke test: 1 run, 400 messages, prints only
//   npm run bench:logging -- --help
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LOG_CATEGORIES } from '../../server/src/telemetry/log-categories.ts';
import { RECIPIENT, SMTP_SOURCE, sendLoad, smtpSourceCommand, type Load } from '../smtp-throughput/load.ts';
import { cleanupScope, cpuSeconds, makeTempDir, onCleanup, runMain, sleep, waitUntil } from '../smtp-throughput/proc.ts';
import { renderProfile, summariseProfile, type CpuProfile, type ProfileSummary } from '../smtp-throughput/profile.ts';
import { formatSize } from '../smtp-throughput/report.ts';
import { conditions, count, loadAverage, table } from '../queue-api/markdown.ts';
import { writeSection } from '../benchmarks-md.ts';
import { startMailroomServe, type RunningMailroom } from '../queue-api/server.ts';
import { lokiCeiling, type Ceiling } from './ceiling.ts';
import { TinyLokiReceiver } from './receiver.ts';
import { buildServer } from '../build-server.ts';
import { defineOptions, readOptions, reproducibleArgs, type OptionValues } from '../options.ts';

const TITLE = '## Logging';

const OPTIONS = defineOptions({
  usage: 'npm run bench:logging -- [options]',
  options: {
    runs: { type: 'integer', default: 5, quick: 1, help: 'timed runs per configuration, interleaved' },
    messages: { type: 'integer', default: 5000, quick: 400, help: 'messages per timed run' },
    size: { type: 'integer', value: 'BYTES', default: 1024, help: 'smtp-source payload' },
    sessions: { type: 'integer', default: 20, help: 'concurrent smtp-source sessions' },
    'no-profile': { type: 'boolean', quick: true, help: 'skip the CPU profiles (one extra run of each configuration)' },
    ceiling: { type: 'integer', min: 0, default: 300_000, quick: 50_000, help: "lines for the Loki client's ceiling, in-process (0 skips it)" },
    note: { type: 'string', help: 'a line about the conditions, shown above the table' },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test: 1 run, 400 messages, no profiles; implies --no-write' },
  },
});

interface Options {
  runs: number;
  messages: number;
  size: number;
  sessions: number;
  profile: boolean;
  ceiling: number;
  note: string | undefined;
  write: boolean;
}

function toOptions(values: OptionValues<typeof OPTIONS.options>): Options {
  return {
    runs: values.runs,
    messages: values.messages,
    size: values.size,
    sessions: values.sessions,
    profile: !values['no-profile'],
    ceiling: values.ceiling,
    note: values.note,
    write: !values['no-write'],
  };
}

const log = (line: string) => process.stderr.write(`[bench:logging ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Config {
  id: string;
  label: string;
  notes: string;
  allCategories: boolean;
  loki: boolean;
}

const CONFIGS: Config[] = [
  {
    id: 'defaults',
    label: 'logging at defaults, no Loki',
    notes: 'log.level info; categories application and delivery (the defaults); JSON lines to stdout (a pipe the benchmark reads).',
    allCategories: false,
    loki: false,
  },
  {
    id: 'all',
    label: 'every category on, no Loki',
    notes: `MAILROOM_LOG_CATEGORIES=${LOG_CATEGORIES.join(',')} at log.level info: every SMTP command and reply, connects and disconnects, delivery; to stdout only. Not asked for: it separates the cost of writing the lines from the cost of shipping them.`,
    allCategories: true,
    loki: false,
  },
  {
    id: 'all-loki',
    label: 'every category on, Loki receiving',
    notes:
      'As above, and MAILROOM_LOKI_URL set to a push endpoint in the benchmark process (bench/logging/receiver.ts: answers 204 at once, decodes afterwards): protobuf + snappy, batches of up to 1 MiB or 1 s (the defaults).',
    allCategories: true,
    loki: true,
  },
];

/** Prometheus text: the sum of every sample of a metric (all label sets), or by one label. */
function metricSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

function metricByLabel(text: string, name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{[^}]*${label}="([^"]*)"[^}]*\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  return out;
}

interface RunResult {
  config: string;
  acceptSeconds: number;
  deliverSeconds: number;
  serverCpu: number | null;
  /** Lines written during the timed load (mailroom_log_lines_total), by category. */
  linesByCategory: Record<string, number>;
  lines: number;
  loki: null | {
    /** mailroom_loki_sent_entries_total over the load and the flush after it. */
    sent: number;
    dropped: number;
    received: number;
    requests: number;
    bytes: number;
    /** Entries received from the start of the load until the last one of it arrived, per second. */
    linesPerSecond: number;
    /** Seconds after smtp-source exited until the last entry arrived. */
    lagSeconds: number;
  };
  stdoutDropped: number;
  /** The server's main thread from the start of the load until the last message was delivered (profiled runs). */
  profile?: ProfileSummary;
}

async function metrics(server: RunningMailroom): Promise<string> {
  const res = await server.admin('/metrics');
  return res.text();
}

async function runOnce(config: Config, opts: Options, profile = false): Promise<RunResult> {
  return cleanupScope(async () => {
    const profileDir = profile ? makeTempDir('mailroom-bench-logging-cpuprof-') : null;
    const receiver = config.loki ? await TinyLokiReceiver.start() : null;
    if (receiver) onCleanup('Loki receiver', () => receiver.close());
    const env: Record<string, string> = {
      MAILROOM_SMTP_GREETING_DELAY_MS: '0',
      MAILROOM_LOG_LEVEL: 'info',
      ...(config.allCategories ? { MAILROOM_LOG_CATEGORIES: LOG_CATEGORIES.join(',') } : {}),
      ...(receiver ? { MAILROOM_LOKI_URL: receiver.url } : {}),
    };
    const server = await startMailroomServe({ listeners: ['smtp'], env, nodeFlags: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] });
    const domain = RECIPIENT.split('@')[1]!;
    const post = async (p: string, body: unknown) => {
      const res = await server.admin(p, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
      if (res.status >= 300) throw new Error(`POST ${p}: ${res.status} ${await res.text()}`);
    };
    await post('/api/v1/domains', { name: domain });
    await post('/api/v1/accounts', { address: RECIPIENT, password: 'bench password' });
    const db = new Database(path.join(server.dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
    onCleanup('benchmark reader of mailroom.db', () => {
      db.close();
    });
    const delivered = db.prepare('SELECT COUNT(*) FROM mail').pluck();
    const queued = db.prepare('SELECT COUNT(*) FROM queue_messages').pluck();
    const load: Load = { port: server.ports.smtp!, messages: opts.messages, sizeBytes: opts.size, sessions: opts.sessions, keepConnection: false };
    const warmup = Math.max(50, Math.round(opts.messages / 10));
    await sendLoad({ ...load, messages: warmup });
    await waitUntil('warm-up delivered', () => delivered.get() === warmup && queued.get() === 0, 120_000, 20);
    // Let the warm-up's lines reach Loki before the counters are read.
    if (receiver) await sleep(1500);
    const before = await metrics(server);
    const receivedBefore = receiver?.requestCount ?? 0;
    const cpu0 = cpuSeconds(server.pid);
    const startUs = Number(process.hrtime.bigint() / 1000n);
    const started = performance.now();
    const acceptSeconds = await sendLoad(load);
    const loadEnded = performance.now();
    await waitUntil('load delivered', () => delivered.get() === warmup + opts.messages && queued.get() === 0, 300_000, 10);
    const deliverSeconds = (performance.now() - started) / 1000;
    const cpu1 = cpuSeconds(server.pid);
    const endUs = Number(process.hrtime.bigint() / 1000n);
    // The Loki client sends a batch at most 1 s after its first line: wait until its count stops moving.
    let after = await metrics(server);
    if (receiver) {
      let last = -1;
      for (let i = 0; i < 60; i++) {
        await sleep(1000);
        after = await metrics(server);
        const sent = metricSum(after, 'mailroom_loki_sent_entries_total');
        if (sent === last) break;
        last = sent;
      }
    }
    const lineDelta = (t: string) => metricByLabel(t, 'mailroom_log_lines_total', 'category');
    const b = lineDelta(before);
    const a = lineDelta(after);
    const linesByCategory: Record<string, number> = {};
    for (const c of Object.keys(a)) if ((a[c] ?? 0) > (b[c] ?? 0)) linesByCategory[c] = a[c]! - (b[c] ?? 0);
    const lines = Object.values(linesByCategory).reduce((x, y) => x + y, 0);
    let loki: RunResult['loki'] = null;
    if (receiver) {
      const r = receiver.received();
      const during = r.entriesAt.slice(receivedBefore);
      const received = during.reduce((n, e) => n + e.entries, 0);
      const lastAt = during.at(-1)?.at ?? loadEnded;
      loki = {
        sent: metricSum(after, 'mailroom_loki_sent_entries_total') - metricSum(before, 'mailroom_loki_sent_entries_total'),
        dropped: metricSum(after, 'mailroom_loki_dropped_entries_total') - metricSum(before, 'mailroom_loki_dropped_entries_total'),
        received,
        requests: during.length,
        bytes: r.bytes,
        linesPerSecond: received / ((lastAt - started) / 1000),
        lagSeconds: Math.max(0, (lastAt - loadEnded) / 1000),
      };
    }
    const stdoutDropped =
      (metricByLabel(after, 'mailroom_log_dropped_lines_total', 'destination').stdout ?? 0) - (metricByLabel(before, 'mailroom_log_dropped_lines_total', 'destination').stdout ?? 0);
    await server.stop(); // writes the profile
    let summary: ProfileSummary | undefined;
    if (profileDir) {
      // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; the main thread is 0.
      const file = fs.readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile') && f.split('.').at(-3) === '0');
      if (!file) throw new Error('node --cpu-prof wrote no profile of the main thread');
      if (process.env.BENCH_KEEP_PROFILE) fs.copyFileSync(path.join(profileDir, file), path.join(process.env.BENCH_KEEP_PROFILE, `${config.id}.cpuprofile`));
      summary = summariseProfile(JSON.parse(fs.readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile, 12, [startUs, endUs]);
    }
    return {
      config: config.id,
      acceptSeconds,
      deliverSeconds,
      serverCpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0,
      linesByCategory,
      lines,
      loki,
      stdoutDropped,
      ...(summary ? { profile: summary } : {}),
    };
  });
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const withRange = (values: number[]) => `${fmt(median(values))} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`;

function render(
  opts: Options,
  results: RunResult[],
  profiles: { config: Config; result: RunResult }[],
  ceiling: Ceiling | null,
  startedAt: Date,
  loadBefore: string,
  command: string,
  smtpSource: string,
): string {
  const of = (id: string) => results.filter((r) => r.config === id);
  const accepted = (rs: RunResult[]) => rs.map((r) => opts.messages / r.acceptSeconds);
  const base = median(accepted(of('defaults')));
  const rows = CONFIGS.map((c) => {
    const rs = of(c.id);
    const acc = accepted(rs);
    const cost = 1 - median(acc) / base;
    const cpuPerMessage = rs.filter((r) => r.serverCpu !== null).map((r) => (r.serverCpu! / opts.messages) * 1000);
    return [
      c.label,
      withRange(acc),
      withRange(rs.map((r) => opts.messages / r.deliverSeconds)),
      c.id === 'defaults' ? '' : `${(cost * 100).toFixed(1)}%`,
      cpuPerMessage.length ? median(cpuPerMessage).toFixed(2) : 'n/a',
      fmt(median(rs.map((r) => r.lines / opts.messages))),
    ];
  });
  const lokiRuns = of('all-loki').filter((r) => r.loki);
  const lines = [
    TITLE,
    '',
    `SMTP throughput with logging at its defaults against every log category on and the lines shipped to Loki, in one run:`,
    `${opts.runs} timed run(s) per configuration, interleaved, each on a fresh server after a warm-up, ${count(opts.messages)} messages of ${formatSize(opts.size)}`,
    `from ${opts.sessions} concurrent smtp-source sessions (a new connection per message). Accepted/s = messages / time until smtp-source`,
    'exited (every message answered 250); delivered/s = until every message was in the mailbox. Median (range).',
    '',
    ...(opts.note ? [`> ${opts.note}`, ''] : []),
    `Reproduce (from the repository root, with Postfix's smtp-source installed): \`${command}\`.`,
    '',
    ...table(
      ['configuration', 'accepted msg/s', 'delivered msg/s', 'throughput cost vs defaults (accepted, median)', 'server CPU ms per message', 'log lines per message'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
    '',
  ];
  if (lokiRuns.length > 0) {
    const cats = Object.entries(lokiRuns[0]!.linesByCategory)
      .map(([c, n]) => `${c} ${fmt(n / opts.messages)}`)
      .join(', ');
    lines.push(
      '**Loki shipping** (every category on), per run: lines written during the load (`mailroom_log_lines_total`), lines Loki accepted',
      '(`mailroom_loki_sent_entries_total`, read once the count stopped moving), entries the receiver decoded, and the rate the client',
      'sustained: entries received from the start of the load until the last of them arrived, per second.',
      '',
      ...table(
        ['run', 'lines written', 'sent (metric)', 'received (decoded)', 'dropped (metric)', 'push requests', 'lines/s sustained', 'last entry after smtp-source exited, s'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        lokiRuns.map((r, i) => [
          String(i + 1),
          count(r.lines),
          count(r.loki!.sent),
          count(r.loki!.received),
          count(r.loki!.dropped),
          count(r.loki!.requests),
          count(r.loki!.linesPerSecond),
          r.loki!.lagSeconds.toFixed(1),
        ]),
      ),
      '',
      `Lines per message by category (first run): ${cats}. The client kept up with what the server wrote (the last entry`,
      'arrived within one batch wait of the end), so "sustained" is the rate offered, not the most it can ship (see the ceiling).',
      '',
    );
  }
  if (ceiling) {
    lines.push(
      `**Loki client ceiling**: ${count(ceiling.linesPerSecond)} lines/s (${(ceiling.bytesPerSecond / 2 ** 20).toFixed(1)} MiB/s of JSON lines) when`,
      `${count(ceiling.lines)} smtp-like lines go through the server's path (createPinoLokiStream → LokiClient: parse, queue, batch,`,
      `protobuf, snappy, HTTP) as fast as its buffer allows, in the benchmark process, to the same receiver: ${ceiling.seconds.toFixed(2)} s,`,
      `${count(ceiling.requests)} requests, ${(ceiling.cpu * 100).toFixed(0)}% of a core (client and receiver), i.e. about ${((ceiling.cpu / ceiling.linesPerSecond) * 1e6).toFixed(1)} µs of CPU per line.`,
      '',
    );
  }
  if (profiles.length > 0) {
    lines.push(
      '### Where the time goes',
      '',
      'One extra run of each configuration under `node --cpu-prof` (not in the table above: the profiler',
      'slows the server down). Self time of the main thread from the start of the load until the last message was delivered',
      "(the Loki client's work on the lines it had not sent by then is not in the window).",
      '',
    );
    for (const p of profiles.filter((x) => x.result.profile)) {
      lines.push(`#### ${p.config.label} (profiled run: ${(opts.messages / p.result.acceptSeconds).toFixed(0)} accepted/s)`, '', ...renderProfile(p.result.profile!), '');
    }
  }
  const stdoutDrops = results.reduce((n, r) => n + r.stdoutDropped, 0);
  lines.push(
    ...conditions({
      startedAt,
      loadBefore,
      notes: [
        'Server: `node server/bin/mailroom.js serve`, only the MX listener, MAILROOM_SMTP_GREETING_DELAY_MS=0, log.level info, on 127.0.0.1; load generator, server and receiver share the same cores.',
        `smtp-source command: \`${smtpSource}\``,
        ...CONFIGS.map((c) => `${c.label}: ${c.notes}`),
        `Lines dropped at stdout (its buffer full) over all runs: ${count(stdoutDrops)}.`,
      ],
    }),
    '',
  );
  return lines.join('\n');
}

async function main(): Promise<number> {
  buildServer();
  if (!fs.existsSync(SMTP_SOURCE)) throw new Error(`${SMTP_SOURCE} not found: apt-get install postfix (it brings smtp-source)`);
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const results: RunResult[] = [];
  for (let run = 1; run <= opts.runs; run++) {
    for (const config of CONFIGS) {
      const r = await runOnce(config, opts);
      results.push(r);
      log(
        `run ${run}, ${config.label}: ${(opts.messages / r.acceptSeconds).toFixed(0)} accepted/s, ${(opts.messages / r.deliverSeconds).toFixed(0)} delivered/s, ${count(r.lines)} lines` +
          (r.loki ? `; Loki: ${count(r.loki.received)} received, ${count(r.loki.linesPerSecond)} lines/s, ${count(r.loki.dropped)} dropped` : ''),
      );
    }
  }
  const profiles: { config: Config; result: RunResult }[] = [];
  if (opts.profile) {
    for (const config of CONFIGS) {
      log(`profiling: ${config.label} under node --cpu-prof...`);
      profiles.push({ config, result: await runOnce(config, opts, true) });
    }
  }
  let ceiling: Ceiling | null = null;
  if (opts.ceiling > 0) {
    log(`Loki client ceiling: ${count(opts.ceiling)} lines in-process...`);
    ceiling = await lokiCeiling(opts.ceiling);
    log(`  ${count(ceiling.linesPerSecond)} lines/s`);
  }
  const args = reproducibleArgs(argv, ['note']);
  const command = `npm run bench:logging${args ? ` -- ${args}` : ''}`;
  const section = render(
    opts,
    results,
    profiles,
    ceiling,
    startedAt,
    loadBefore,
    command,
    smtpSourceCommand({ messages: opts.messages, sizeBytes: opts.size, sessions: opts.sessions, keepConnection: false }),
  );
  process.stdout.write(`\n${section}\n`);
  if (opts.write) {
    writeSection(TITLE, section, log);
  }
  return 0;
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv, toOptions);
await runMain(main, log);
