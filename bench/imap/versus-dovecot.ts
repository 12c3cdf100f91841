// Mailroom and Dovecot side by side in one run, on the same machine at the same time, with the same mail:
// SELECT time and FETCH throughput on one INBOX, memory per IDLE session (PSS summed over every process
// of each server), and logins per second. Prints a Markdown table; a loaded machine moves both columns.
//
//   npm run bench:imap-dovecot                 # 5,000 messages, 1,000 idle sessions each (about 10 min)
//   npm run bench:imap-dovecot -- --quick      # 300 messages, 50 sessions (about 2 min)
//   npm run bench:imap-dovecot -- --help
//
// Needs scripts/install-bench-deps.sh (postfix for smtp-source, dovecot-imapd).
import { spawn } from 'node:child_process';
import { RECIPIENT, SMTP_SOURCE, smtpSourceArgs } from '../smtp-throughput/load.ts';
import { makeTempDir, runMain, sleep } from '../smtp-throughput/proc.ts';
import { count, loadAverage, mib, ms, table } from '../queue-api/markdown.ts';
import { startMailroomServe } from '../queue-api/server.ts';
import { buildServer } from '../build-server.ts';
import { writeSection } from '../benchmarks-md.ts';
import { defineOptions, readOptions, reproducibleArgs } from '../options.ts';
import { ImapClient, quote } from './client.ts';
import { dovecotInstalled, dovecotVersion, hashPassword, processTree, pssSum, startDovecot } from './dovecot.ts';

const TITLE = '## IMAP beside Dovecot';
const PASSWORD = 'bench password';
/** Sessions logging in at once: each LOGIN is a deliberately slow password check on both servers. */
const LOGIN_CONCURRENCY = 8;

const OPTIONS = defineOptions({
  usage: 'npm run bench:imap-dovecot -- [options]',
  options: {
    messages: { type: 'integer', default: 5000, quick: 300, help: 'messages delivered into each INBOX (smtp-source: SMTP to Mailroom, LMTP to Dovecot)' },
    size: { type: 'integer', value: 'BYTES', default: 10_240, help: 'smtp-source payload per message' },
    runs: { type: 'integer', default: 5, quick: 2, help: 'timed runs of SELECT and of each FETCH' },
    warmups: {
      type: 'integer',
      default: 2,
      quick: 0,
      help: 'untimed rounds of the same commands first, on each server (a server that has been running: JIT compiled, caches primed)',
    },
    sessions: { type: 'integer', default: 1000, quick: 50, help: 'sessions idling on the INBOX for the memory figure' },
    'login-seconds': { type: 'integer', default: 10, quick: 3, help: 'how long logins per second are counted' },
    'login-cache': {
      type: 'boolean',
      help: "both servers remember verified logins (Mailroom's auth cache, Dovecot's auth_cache_size): for many idle sessions (10,000) without waiting for as many slow password checks; the logins/s figure then measures the cache",
    },
    servers: {
      type: 'strings',
      choices: ['mailroom', 'dovecot'],
      default: ['mailroom', 'dovecot'],
      defaultText: 'both',
      help: 'servers to measure; one alone (a before/after of Mailroom, say) implies --no-write, since the table has both columns',
    },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test; implies --no-write' },
  },
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const log = (line: string) => process.stderr.write(`[bench:imap-dovecot ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Peer {
  name: string;
  imapPort: number;
  pids(): number[];
}

interface Figures {
  selectMs: number;
  headersPerSecond: number;
  bodiesPerSecond: number;
  bodyMiBPerSecond: number;
  pssBefore: number;
  pssIdle: number;
  loginsPerSecond: number;
}

function deliver(port: number, lmtp: boolean, messages: number, size: number): Promise<void> {
  const args = [...(lmtp ? ['-L'] : []), ...smtpSourceArgs({ port, messages, sizeBytes: size, sessions: 10, keepConnection: false })];
  return new Promise((resolve, reject) => {
    const child = spawn(SMTP_SOURCE, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source ${args.join(' ')}: exit ${code}\n${err}`))));
  });
}

async function login(port: number): Promise<ImapClient> {
  const c = await ImapClient.connect(port);
  await c.command(`LOGIN ${quote(RECIPIENT)} ${quote(PASSWORD)}`);
  return c;
}

async function waitForMessages(port: number, n: number): Promise<void> {
  const c = await login(port);
  const deadline = Date.now() + 600_000;
  for (;;) {
    const r = await c.command('STATUS INBOX (MESSAGES)');
    const have = Number(/\(MESSAGES (\d+)\)/i.exec(r.lines.join('\n'))?.[1] ?? -1);
    if (have >= n) break;
    if (Date.now() > deadline) throw new Error(`only ${have} of ${n} messages in the INBOX`);
    await sleep(200);
  }
  await c.logout();
}

/** Median PSS over 5 readings a second apart. */
async function settledPss(peer: Peer): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(1000);
    readings.push(pssSum(peer.pids()));
  }
  return median(readings);
}

async function measure(peer: Peer, o: { messages: number; runs: number; warmups: number; sessions: number; loginSeconds: number }): Promise<Figures> {
  for (let i = 0; i < o.warmups; i++) {
    const c = await login(peer.imapPort);
    await c.command('SELECT INBOX', 600_000);
    await c.command('FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE)', 600_000);
    await c.command('FETCH 1:* BODY.PEEK[]', 600_000);
    await c.logout();
  }
  const selects: number[] = [];
  const headers: number[] = [];
  const bodies: { rate: number; mib: number }[] = [];
  for (let i = 0; i < o.runs; i++) {
    // A new session each run: SELECT is timed on a mailbox this session has not opened yet.
    const c = await login(peer.imapPort);
    let t = performance.now();
    await c.command('SELECT INBOX', 600_000);
    selects.push(performance.now() - t);
    t = performance.now();
    const h = await c.command('FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE)', 600_000);
    headers.push(h.fetches / ((performance.now() - t) / 1000));
    if (h.fetches !== o.messages) throw new Error(`${peer.name}: ${h.fetches} FETCH responses, expected ${o.messages}`);
    t = performance.now();
    const b = await c.command('FETCH 1:* BODY.PEEK[]', 600_000);
    const s = (performance.now() - t) / 1000;
    bodies.push({ rate: b.fetches / s, mib: b.bytes / s / 2 ** 20 });
    await c.logout();
    log(`  ${peer.name}: SELECT ${ms(selects.at(-1)!)} ms, headers ${count(headers.at(-1)!)}/s, bodies ${count(bodies.at(-1)!.rate)}/s`);
  }

  const pssBefore = await settledPss(peer);
  const clients: ImapClient[] = [];
  // SELECTs while other sessions already have the INBOX open (Mailroom: its shared view is loaded).
  const heldSelects: number[] = [];
  const queue = Array.from({ length: o.sessions }, (_, i) => i);
  await Promise.all(
    Array.from({ length: LOGIN_CONCURRENCY }, async () => {
      while (queue.shift() !== undefined) {
        const c = await login(peer.imapPort);
        clients.push(c);
        const t = performance.now();
        await c.command('SELECT INBOX', 600_000);
        heldSelects.push(performance.now() - t);
        await c.startIdle();
      }
    }),
  );
  const pssIdle = await settledPss(peer);
  log(`  ${peer.name}: PSS ${mib(pssBefore)} -> ${mib(pssIdle)} MiB with ${o.sessions} idle sessions`);
  log(`  ${peer.name}: SELECT while other sessions have the INBOX open: median ${ms(median(heldSelects.slice(1)))} ms of ${heldSelects.length - 1}`);
  await Promise.all(clients.map((c) => c.logout().catch(() => c.destroy())));

  let logins = 0;
  const end = performance.now() + o.loginSeconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LOGIN_CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const c = await login(peer.imapPort);
        await c.logout();
        logins++;
      }
    }),
  );
  const loginsPerSecond = logins / ((performance.now() - started) / 1000);
  log(`  ${peer.name}: ${loginsPerSecond.toFixed(1)} logins/s`);
  const bodyMedian = median(bodies.map((b) => b.rate));
  return {
    selectMs: median(selects),
    headersPerSecond: median(headers),
    bodiesPerSecond: bodyMedian,
    bodyMiBPerSecond: median(bodies.map((b) => b.mib)),
    pssBefore,
    pssIdle,
    loginsPerSecond,
  };
}

const NOT_RUN: Figures = { selectMs: NaN, headersPerSecond: NaN, bodiesPerSecond: NaN, bodyMiBPerSecond: NaN, pssBefore: NaN, pssIdle: NaN, loginsPerSecond: NaN };

async function main(): Promise<number> {
  const withMailroom = opts.servers.includes('mailroom');
  const withDovecot = opts.servers.includes('dovecot');
  if (withDovecot && !dovecotInstalled()) throw new Error('dovecot-imapd is not installed: run scripts/install-bench-deps.sh');
  buildServer();
  const startedAt = new Date().toISOString();
  const loadBefore = loadAverage();
  const mailroom = await startMailroomServe({
    dataDir: makeTempDir('mailroom-bench-imap-dovecot-'),
    listeners: ['smtp', 'imap'],
    // Login cache off unless asked: every LOGIN pays the hash, as in Dovecot with auth_cache_size = 0. Every
    // idle session is the one account's: its per-user and per-listener caps are raised as Dovecot's are.
    env: {
      MAILROOM_SMTP_GREETING_DELAY_MS: '0',
      MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: String(opts.sessions + 50),
      MAILROOM_LIMITS_MAX_CONNECTIONS_PER_LISTENER: String(opts.sessions + 50),
      ...(opts['login-cache'] ? {} : { MAILROOM_AUTH_CACHE_TTL_SECONDS: '0' }),
      MAILROOM_IMAP_MAX_SESSIONS_PER_USER: String(opts.sessions + 50),
    },
  });
  const domain = RECIPIENT.split('@')[1]!;
  for (const [path, body] of [
    ['/api/v1/domains', { name: domain }],
    ['/api/v1/accounts', { address: RECIPIENT, password: PASSWORD }],
  ] as const) {
    const res = await mailroom.admin(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  }
  const dovecot = withDovecot ? await startDovecot(new Map([[RECIPIENT, await hashPassword(PASSWORD)]]), opts.sessions, undefined, opts['login-cache']) : null;

  log(`delivering ${count(opts.messages)} messages of ${opts.size} bytes to each server...`);
  await Promise.all([withMailroom ? deliver(mailroom.ports.smtp!, false, opts.messages, opts.size) : null, dovecot ? deliver(dovecot.lmtpPort, true, opts.messages, opts.size) : null]);
  await Promise.all([withMailroom ? waitForMessages(mailroom.ports.imap!, opts.messages) : null, dovecot ? waitForMessages(dovecot.port, opts.messages) : null]);

  const measureOpts = { messages: opts.messages, runs: opts.runs, warmups: opts.warmups, sessions: opts.sessions, loginSeconds: opts['login-seconds'] };
  // One server after the other (not at once), each on the otherwise same machine within minutes.
  const m = withMailroom ? await measure({ name: 'Mailroom', imapPort: mailroom.ports.imap!, pids: () => processTree(mailroom.pid!) }, measureOpts) : NOT_RUN;
  const d = dovecot ? await measure({ name: 'Dovecot', imapPort: dovecot.port, pids: dovecot.pids }, measureOpts) : NOT_RUN;
  await mailroom.stop();
  await dovecot?.stop();

  const perSession = (f: Figures) => ((f.pssIdle - f.pssBefore) / opts.sessions / 1024).toFixed(0);
  const args = reproducibleArgs(argv, []);
  const rows: [string, (f: Figures) => string][] = [
    [`SELECT INBOX (${count(opts.messages)} messages), ms`, (f) => ms(f.selectMs)],
    ['`FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE)`, messages/s', (f) => count(f.headersPerSecond)],
    ['`FETCH 1:* BODY.PEEK[]`, messages/s', (f) => count(f.bodiesPerSecond)],
    ['`FETCH 1:* BODY.PEEK[]`, MiB/s', (f) => f.bodyMiBPerSecond.toFixed(1)],
    [`PSS before / with ${count(opts.sessions)} IDLE sessions, MiB`, (f) => `${mib(f.pssBefore)} / ${mib(f.pssIdle)}`],
    ['PSS per IDLE session, KiB', perSession],
    [`logins/s (${LOGIN_CONCURRENCY} at once, LOGIN + LOGOUT)`, (f) => f.loginsPerSecond.toFixed(1)],
  ];
  const out = [
    TITLE,
    '',
    'Mailroom and a private Dovecot (`bench/imap/versus-dovecot.ts`; how each is set up: `bench/imap/README.md`) on the same machine in one run, with the same mail from smtp-source (SMTP to Mailroom, LMTP to Dovecot). Memory is PSS summed over every process of each server.',
    '',
    `Command: \`npm run bench:imap-dovecot${args ? ` -- ${args}` : ''}\`; started ${startedAt}, load average before ${loadBefore}; ${dovecot ? dovecotVersion() : 'Dovecot not run'}.`,
    '',
    ...table(
      ['', 'Mailroom', 'Dovecot'],
      ['l', 'r', 'r'],
      rows.map(([label, f]) => [label, f(m), f(d)]),
    ),
  ];
  const section = out.join('\n') + '\n';
  process.stdout.write(`\n${section}`);
  if (!opts['no-write'] && withMailroom && withDovecot) writeSection(TITLE, section, log);
  return 0;
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv);
await runMain(main, log);
