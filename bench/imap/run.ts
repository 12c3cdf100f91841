// IMAP: FETCH throughput over one session, and the server's resident memory with 1,000 idle sessions.
// Writes the "IMAP" section of BENCHMARKS.md.
//
//   npm run bench:imap                  # 5,000 messages of 10 KiB; 1,000 sessions (about 10 min)
//   npm run bench:imap -- --quick       # smoke test: 500 messages, 100 sessions, prints only
//   npm run bench:imap -- --help
import fs from 'node:fs';
import { formatSize } from '../smtp-throughput/report.ts';
import { sendLoad, smtpSourceCommand, RECIPIENT, SMTP_SOURCE } from '../smtp-throughput/load.ts';
import { cpuSeconds, makeTempDir, runMain, sleep, withTimeout } from '../smtp-throughput/proc.ts';
import { conditions, count, loadAverage, mib, ms, rssBytes, table } from '../queue-api/markdown.ts';
import { writeSection } from '../benchmarks-md.ts';
import { startMailroomServe, type RunningMailroom } from '../queue-api/server.ts';
import { ImapClient, quote, type CommandResult } from './client.ts';
import { buildServer } from '../build-server.ts';
import { defineOptions, readOptions, reproducibleArgs, type OptionValues } from '../options.ts';

const TITLE = '## IMAP';
const PASSWORD = 'bench password';
/** Sessions logging in at once (each LOGIN is a scrypt check in the server's thread pool). */
const LOGIN_CONCURRENCY = 8;

const OPTIONS = defineOptions({
  usage: 'npm run bench:imap -- [options]',
  options: {
    messages: { type: 'integer', default: 5000, quick: 500, help: 'messages delivered (by SMTP) into the INBOX first' },
    size: { type: 'integer', value: 'BYTES', default: 10_240, help: 'smtp-source payload per message' },
    runs: { type: 'integer', default: 5, quick: 2, help: 'timed FETCH runs of each kind' },
    sessions: { type: 'integer', default: 1000, quick: 100, help: "idle sessions for the memory figures (1000 is the server's connection cap)" },
    note: { type: 'string', help: 'a line about the conditions, shown above the tables' },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test: 500 messages, 2 runs, 100 sessions; implies --no-write' },
  },
});

interface Options {
  messages: number;
  size: number;
  runs: number;
  sessions: number;
  note: string | undefined;
  write: boolean;
}

function toOptions(values: OptionValues<typeof OPTIONS.options>): Options {
  return { messages: values.messages, size: values.size, runs: values.runs, sessions: values.sessions, note: values.note, write: !values['no-write'] };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const log = (line: string) => process.stderr.write(`[bench:imap ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** Runs `fn` over the items with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

async function adminJson(server: RunningMailroom, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await server.admin(path, { ...init, headers: { 'Content-Type': 'application/json' } });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

const imapSessions = async (server: RunningMailroom) => ((await adminJson(server, '/api/v1/status')) as { sessions: { imap: number } }).sessions.imap;

async function login(port: number, user: string): Promise<ImapClient> {
  const client = await ImapClient.connect(port);
  await client.command(`LOGIN ${quote(user)} ${quote(PASSWORD)}`);
  return client;
}

interface MemoryReading {
  /** VmRSS of the server process. */
  rss: number;
  /** nodejs_heap_size_used_bytes from /metrics: the JavaScript heap in use (garbage not yet collected included). */
  heapUsed: number;
}

/** Medians of `samples` readings one second apart, in bytes. */
async function settled(server: RunningMailroom, samples = 10): Promise<MemoryReading> {
  const rss: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < samples; i++) {
    await sleep(1000);
    const v = rssBytes(server.pid);
    if (v === null) throw new Error('server process gone');
    rss.push(v);
    const text = await (await server.admin('/metrics')).text();
    heap.push(Number(/^nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? NaN));
  }
  return { rss: median(rss), heapUsed: median(heap) };
}

interface FetchRun {
  seconds: number;
  fetches: number;
  bytes: number;
  serverCpu: number | null;
}

async function timedFetch(client: ImapClient, server: RunningMailroom, items: string, expected: number): Promise<FetchRun> {
  const cpu0 = cpuSeconds(server.pid);
  const started = performance.now();
  const r: CommandResult = await client.command(`FETCH 1:* ${items}`, 600_000);
  const seconds = (performance.now() - started) / 1000;
  const cpu1 = cpuSeconds(server.pid);
  if (r.fetches !== expected) throw new Error(`FETCH 1:* ${items}: ${r.fetches} FETCH responses, expected ${expected}`);
  return { seconds, fetches: r.fetches, bytes: r.bytes, serverCpu: cpu0 === null || cpu1 === null ? null : cpu1 - cpu0 };
}

interface MemoryPhase {
  label: string;
  sessions: number;
  before: MemoryReading;
  selected: MemoryReading;
  idle: MemoryReading;
  openSeconds: number;
  /** Server CPU while every session idles (the IDLE watcher's polling), % of one core. */
  idleCpuPercent: number | null;
  /** Delivery of one message until every idling session has been told (EXISTS). */
  notifyMs: number | null;
}

/**
 * Opens `users.length` sessions (LOGIN, SELECT INBOX), then puts them all in IDLE; resident memory
 * before, after SELECT and while idling. The server is fresh, warmed up first (see LOGIN_CONCURRENCY).
 */
async function memoryPhase(label: string, server: RunningMailroom, users: string[], notify: { port: number; exists: number } | null): Promise<MemoryPhase> {
  const port = server.ports.imap!;
  // Warm-up: as many sessions at once as log in at once below, so the memory a LOGIN needs for the
  // moment (scrypt: 16 MiB each) is already in the "before" figure rather than counted per session.
  await pool(users.slice(0, LOGIN_CONCURRENCY), LOGIN_CONCURRENCY, async (user) => {
    const warm = await login(port, user);
    await warm.command('SELECT INBOX');
    await warm.startIdle();
    await warm.logout();
  });
  await waitForSessions(server, 0);
  const before = await settled(server);
  const clients: ImapClient[] = [];
  try {
    const started = performance.now();
    await pool(users, LOGIN_CONCURRENCY, async (user) => {
      const c = await login(port, user);
      clients.push(c);
      await c.command('SELECT INBOX');
    });
    const openSeconds = (performance.now() - started) / 1000;
    const open = await imapSessions(server);
    if (open !== users.length) throw new Error(`${open} IMAP sessions open, expected ${users.length}`);
    const selected = await settled(server);
    await pool(clients, 50, (c) => c.startIdle());
    const cpu0 = cpuSeconds(server.pid);
    const idle = await settled(server);
    const cpu1 = cpuSeconds(server.pid);
    const idleCpuPercent = cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) / 10) * 100;
    let notifyMs: number | null = null;
    if (notify) {
      const seen = clients.map((c) => c.waitForLine((l) => l === `* ${notify.exists} EXISTS`, 60_000, 'EXISTS after a delivery'));
      const t = performance.now();
      await sendLoad({ port: notify.port, messages: 1, sizeBytes: 1024, sessions: 1, keepConnection: false });
      await Promise.all(seen);
      notifyMs = performance.now() - t;
    }
    log(
      `  ${label}: RSS ${mib(before.rss)} -> ${mib(selected.rss)} (selected) -> ${mib(idle.rss)} MiB (idle), heap ${mib(before.heapUsed)} -> ${mib(idle.heapUsed)} MiB; open in ${openSeconds.toFixed(1)} s; idle CPU ${idleCpuPercent?.toFixed(1)}%${notifyMs === null ? '' : `; EXISTS to all in ${ms(notifyMs)} ms`}`,
    );
    return { label, sessions: users.length, before, selected, idle, openSeconds, idleCpuPercent, notifyMs };
  } finally {
    await pool(clients, 50, (c) => withTimeout(c.logout(), 15_000, 'LOGOUT').catch(() => c.destroy()));
  }
}

async function waitForSessions(server: RunningMailroom, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await imapSessions(server)) !== n) {
    if (Date.now() > deadline) throw new Error(`IMAP sessions did not reach ${n}`);
    await sleep(100);
  }
}

async function main(): Promise<number> {
  buildServer();
  if (!fs.existsSync(SMTP_SOURCE)) throw new Error(`${SMTP_SOURCE} not found: apt-get install postfix (it brings smtp-source)`);
  const startedAt = new Date();
  const loadBefore = loadAverage();
  const dataDir = makeTempDir('mailroom-bench-imap-');
  // Every session comes from 127.0.0.1: the per-address cap (limits.max_sessions_per_ip, 50) would
  // turn most of them away.
  const serverEnv = { MAILROOM_SMTP_GREETING_DELAY_MS: '0', MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: String(opts.sessions + 50) };
  let server = await startMailroomServe({ dataDir, listeners: ['smtp', 'imap'], env: serverEnv });
  const domain = RECIPIENT.split('@')[1]!;
  await adminJson(server, '/api/v1/domains', { method: 'POST', body: JSON.stringify({ name: domain }) });
  await adminJson(server, '/api/v1/accounts', { method: 'POST', body: JSON.stringify({ address: RECIPIENT, password: PASSWORD }) });

  log(`delivering ${count(opts.messages)} messages of ${formatSize(opts.size)} to ${RECIPIENT} with smtp-source...`);
  const load = { messages: opts.messages, sizeBytes: opts.size, sessions: 20, keepConnection: false };
  const sendSeconds = await sendLoad({ ...load, port: server.ports.smtp! });
  const probe = await login(server.ports.imap!, RECIPIENT);
  const deadline = Date.now() + 300_000;
  for (;;) {
    const status = await probe.command('STATUS INBOX (MESSAGES)');
    const messages = Number(/\(MESSAGES (\d+)\)/i.exec(status.lines.join('\n'))?.[1] ?? -1);
    if (messages >= opts.messages) break;
    if (Date.now() > deadline) throw new Error(`only ${messages} of ${opts.messages} messages in the INBOX`);
    await sleep(200);
  }
  await probe.logout();
  log(`  sent in ${sendSeconds.toFixed(1)} s; all in the INBOX`);

  // FETCH over one session. The first RFC822 run also sets \Seen on every message (RFC822 is not a
  // peek); later runs find it set.
  const client = await login(server.ports.imap!, RECIPIENT);
  await client.command('SELECT INBOX');
  const envelope: FetchRun[] = [];
  const rfc822: FetchRun[] = [];
  for (let i = 0; i < opts.runs; i++) {
    envelope.push(await timedFetch(client, server, '(FLAGS ENVELOPE)', opts.messages));
    log(`  FETCH 1:* (FLAGS ENVELOPE): ${(opts.messages / envelope[i]!.seconds).toFixed(0)} msg/s`);
  }
  const firstRfc822 = await timedFetch(client, server, '(RFC822)', opts.messages);
  log(`  FETCH 1:* (RFC822), first (sets \\Seen): ${(opts.messages / firstRfc822.seconds).toFixed(0)} msg/s`);
  for (let i = 0; i < opts.runs; i++) {
    rfc822.push(await timedFetch(client, server, '(RFC822)', opts.messages));
    log(`  FETCH 1:* (RFC822): ${(opts.messages / rfc822[i]!.seconds).toFixed(0)} msg/s, ${(rfc822[i]!.bytes / rfc822[i]!.seconds / 2 ** 20).toFixed(1)} MiB/s`);
  }
  await client.logout();

  // Memory: a fresh server per phase, so one phase's heap does not hide the next one's growth.
  log(`creating ${count(opts.sessions)} accounts for the idle sessions...`);
  const users = Array.from({ length: opts.sessions }, (_, i) => `idle${i}@${domain}`);
  await pool(users, 4, (address) => adminJson(server, '/api/v1/accounts', { method: 'POST', body: JSON.stringify({ address, password: PASSWORD }) }));
  const phases: MemoryPhase[] = [];
  await server.stop();
  server = await startMailroomServe({ dataDir, listeners: ['smtp', 'imap'], env: serverEnv });
  phases.push(await memoryPhase(`${count(opts.sessions)} sessions, one account each, empty INBOX`, server, users, null));
  await server.stop();
  server = await startMailroomServe({ dataDir, listeners: ['smtp', 'imap'], env: serverEnv });
  phases.push(
    await memoryPhase(
      `${count(opts.sessions)} sessions on one INBOX of ${count(opts.messages)} messages`,
      server,
      users.map(() => RECIPIENT),
      {
        port: server.ports.smtp!,
        exists: opts.messages + 1,
      },
    ),
  );
  await server.stop();

  const args = reproducibleArgs(argv, ['note']);
  const command = `npm run bench:imap${args ? ` -- ${args}` : ''}`;
  const section = render(opts, { envelope, firstRfc822, rfc822 }, phases, startedAt, loadBefore, command, smtpSourceCommand(load), sendSeconds);
  process.stdout.write(`\n${section}\n`);
  if (opts.write) {
    writeSection(TITLE, section, log);
  }
  return 0;
}

function render(
  opts: Options,
  fetch: { envelope: FetchRun[]; firstRfc822: FetchRun; rfc822: FetchRun[] },
  phases: MemoryPhase[],
  startedAt: Date,
  loadBefore: string,
  command: string,
  smtpSource: string,
  sendSeconds: number,
): string {
  const row = (label: string, runs: FetchRun[]) => {
    const rates = runs.map((r) => r.fetches / r.seconds);
    const cpu = runs.map((r) => (r.serverCpu === null ? NaN : (r.serverCpu / r.seconds) * 100));
    return [
      label,
      String(runs.length),
      `${count(median(rates))} (${count(Math.min(...rates))}-${count(Math.max(...rates))})`,
      (median(runs.map((r) => r.bytes / r.seconds)) / 2 ** 20).toFixed(1),
      ms(median(runs.map((r) => r.seconds * 1000))),
      Number.isNaN(median(cpu)) ? 'n/a' : `${median(cpu).toFixed(0)}%`,
    ];
  };
  const lines = [
    TITLE,
    '',
    `FETCH throughput over one session (LOGIN, SELECT INBOX, then \`FETCH 1:* ...\` over all ${count(opts.messages)} messages), and the`,
    `server's resident memory (VmRSS from /proc/<pid>/status) with ${count(opts.sessions)} sessions logged in, SELECTed and then in IDLE.`,
    '',
    ...(opts.note ? [`> ${opts.note}`, ''] : []),
    `Reproduce (from the repository root, with Postfix's smtp-source installed): \`${command}\`.`,
    '',
    ...table(
      ['command', 'runs', 'messages/s: median (range)', 'MiB/s received', 'ms per run', 'server CPU (1 core = 100%)'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      [
        row('`FETCH 1:* (FLAGS ENVELOPE)`', fetch.envelope),
        row('`FETCH 1:* (RFC822)`, first run: also sets \\Seen on every message', [fetch.firstRfc822]),
        row('`FETCH 1:* (RFC822)`, later runs', fetch.rfc822),
      ],
    ),
    '',
    ...table(
      [
        'idle sessions',
        'RSS before, MiB',
        'after LOGIN + SELECT',
        'all in IDLE',
        'RSS per session (IDLE - before), KiB',
        'JS heap used before / in IDLE, MiB',
        'heap per session, KiB',
        'time to open them all, s',
        'server CPU while idle',
        'one delivery: EXISTS to every session, ms',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      phases.map((p) => [
        p.label,
        mib(p.before.rss),
        mib(p.selected.rss),
        mib(p.idle.rss),
        ((p.idle.rss - p.before.rss) / p.sessions / 1024).toFixed(0),
        `${mib(p.before.heapUsed)} / ${mib(p.idle.heapUsed)}`,
        ((p.idle.heapUsed - p.before.heapUsed) / p.sessions / 1024).toFixed(0),
        p.openSeconds.toFixed(1),
        p.idleCpuPercent === null ? 'n/a' : `${p.idleCpuPercent.toFixed(1)}%`,
        p.notifyMs === null ? '' : ms(p.notifyMs),
      ]),
    ),
    '',
    'RSS is what the brief asks for, but it moves in steps: the allocator keeps what a burst of logins took (scrypt needs',
    '16 MiB per check; the warm-up runs 8 at once) and sessions then fit in it, so RSS can even fall while sessions open. The',
    'JavaScript heap in use (from `/metrics`) shows what the sessions themselves hold, garbage not yet collected included.',
    '',
    ...conditions({
      startedAt,
      loadBefore,
      notes: [
        `Server: \`node server/bin/mailroom.js serve\` (SMTP and IMAP listeners, MAILROOM_SMTP_GREETING_DELAY_MS=0, MAILROOM_LOG_LEVEL=warn, MAILROOM_LIMITS_MAX_SESSIONS_PER_IP=${opts.sessions + 50} since every session comes from 127.0.0.1) on 127.0.0.1; the client (bench/imap/client.ts: counts responses, skips literals without copying) runs in the benchmark process on the same cores.`,
        `Messages: \`${smtpSource}\` (${sendSeconds.toFixed(1)} s), each filed into the INBOX at acceptance; payload ${formatSize(opts.size)} as smtp-source generates it (a few header lines and a body of that size).`,
        'Memory: a fresh server for each row, warmed up by 8 sessions at once (LOGIN, SELECT, IDLE, LOGOUT: the transient memory of 8 concurrent scrypt checks is then in "before"); each figure is the median of 10 readings one second apart. Sessions log in 8 at a time (each LOGIN is a scrypt check). "Server CPU while idle" is over those 10 seconds: the IDLE watcher reads the counters of every watched mailbox every 250 ms.',
      ],
    }),
    '',
  ];
  return lines.join('\n');
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv, toOptions);
await runMain(main, log);
