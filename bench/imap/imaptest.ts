// Dovecot's imaptest against Mailroom, and its stress mode against Mailroom and a private Dovecot in turn,
// in one run: the scripted conformance tests (every group, every command), then each stress profile for
// --secs with --clients clients, Mailroom and Dovecot alternating, each run on an account of its own.
// Writes the "imaptest" section of BENCHMARKS.md.
//
//   npm run bench:imaptest -- --imaptest /tmp/imaptest-build          # about 15 min
//   npm run bench:imaptest -- --imaptest /tmp/imaptest-build --quick  # 10 clients, 5 s, prints only
//
// imaptest is built outside this repository (bench/imap/README.md says how); nothing of it is committed,
// and this script only runs the binary it is pointed at. Needs scripts/install-bench-deps.sh for Dovecot.
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { loadAverage } from '../smtp-throughput/machine.ts';
import { makeTempDir, runMain } from '../smtp-throughput/proc.ts';
import { conditions, count, table } from '../queue-api/markdown.ts';
import { startMailroomServe, type RunningMailroom } from '../queue-api/server.ts';
import { buildServer } from '../build-server.ts';
import { writeSection } from '../benchmarks-md.ts';
import { defineOptions, readOptions, reproducibleArgs } from '../options.ts';
import { ImapClient, quote } from './client.ts';
import { dovecotInstalled, dovecotVersion, startDovecot, type RunningDovecot } from './dovecot.ts';
import { parseScripted, parseStress, stressMbox, type ScriptedSummary, type StressTotals } from './imaptest-output.ts';

const TITLE = '## imaptest';
const DOMAIN = 'imaptest.test';
const PASSWORD = 'imaptest-password';

/** imaptest's stress profiles: its default, the same with sessions that stay, and the commands it leaves out. */
const PROFILES = {
  default: { label: 'default profile (LOGIN ... LOGOUT, again)', args: [] },
  'logout=0': { label: '`logout=0` (each client stays logged in)', args: ['logout=0'] },
  extra: {
    label: 'with the commands the default leaves out',
    args: ['copybox=Archive', 'uidfetch=50', 'search=30', 'sort=30', 'thread=20', 'noop=20', 'check=10', 'mcreate=5', 'mdelete=5', 'msubs=5'],
  },
} as const;
type ProfileName = keyof typeof PROFILES;

const OPTIONS = defineOptions({
  usage: 'npm run bench:imaptest -- --imaptest DIR [options]',
  options: {
    imaptest: {
      type: 'string',
      value: 'DIR',
      default: process.env.IMAPTEST_DIR ?? '/tmp/imaptest-build',
      defaultText: '$IMAPTEST_DIR, else /tmp/imaptest-build',
      help: "imaptest's build directory: its binary src/imaptest, its scripted tests and mailboxes in src/tests",
    },
    clients: { type: 'integer', default: 50, quick: 10, help: 'stress clients at once, all on one account' },
    secs: { type: 'integer', default: 60, quick: 5, help: 'seconds each stress run lasts' },
    pairs: { type: 'integer', default: 2, quick: 1, help: 'stress runs of each profile on each server (Mailroom, Dovecot, Mailroom, ...)' },
    profiles: { type: 'strings', choices: Object.keys(PROFILES), default: Object.keys(PROFILES), defaultText: 'all', help: 'stress profiles to run' },
    servers: {
      type: 'strings',
      choices: ['mailroom', 'dovecot'],
      default: ['mailroom', 'dovecot'],
      defaultText: 'both',
      help: 'servers to stress (the scripted tests run against Mailroom); one alone implies --no-write',
    },
    'no-write': { type: 'boolean', quick: true, help: 'print only; leave BENCHMARKS.md as it is' },
    quick: { type: 'boolean', help: 'smoke test; implies --no-write' },
  },
});

const log = (line: string) => process.stderr.write(`[bench:imaptest ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface StressRun {
  profile: ProfileName;
  server: 'Mailroom' | 'Dovecot';
  totals: StressTotals;
  seconds: number;
  loadBefore: string;
  loadAfter: string;
}

/** Runs imaptest to its end and returns what it printed (stdout and stderr: it reports on both). */
function imaptest(binary: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { env: { ...process.env, LD_LIBRARY_PATH: '/usr/lib/dovecot' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (c: Buffer) => (out = (out + c.toString('latin1')).slice(-4 * 2 ** 20));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    // imaptest's exit code says nothing the output does not (it is 0 with errors): the parsers decide.
    child.once('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

async function addMailroomAccount(mailroom: RunningMailroom, address: string): Promise<void> {
  const res = await mailroom.admin('/api/v1/accounts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ address, password: PASSWORD }) });
  if (res.status >= 300) throw new Error(`POST /api/v1/accounts ${address}: ${res.status} ${await res.text()}`);
}

/** The extra profile copies into Archive: it exists on both servers before the run (NO when it already does). */
async function createArchive(port: number, user: string): Promise<void> {
  const c = await ImapClient.connect(port);
  await c.command(`LOGIN ${quote(user)} ${quote(PASSWORD)}`);
  await c.command('CREATE Archive').catch(() => undefined);
  await c.logout();
}

async function main(): Promise<number> {
  const dir = path.resolve(opts.imaptest);
  const binary = path.join(dir, 'src', 'imaptest');
  const tests = path.join(dir, 'src', 'tests');
  if (!fs.existsSync(binary) || !fs.existsSync(tests)) throw new Error(`no imaptest build in ${dir} (src/imaptest, src/tests): build it as bench/imap/README.md says`);
  const withDovecot = opts.servers.includes('dovecot');
  const withMailroom = opts.servers.includes('mailroom');
  if (withDovecot && !dovecotInstalled()) throw new Error('dovecot-imapd is not installed: run scripts/install-bench-deps.sh');
  const version = fs.existsSync(path.join(dir, 'version')) ? fs.readFileSync(path.join(dir, 'version'), 'utf8').trim() : 'unknown';

  const work = makeTempDir('mailroom-bench-imaptest-');
  const mbox = stressMbox(
    fs
      .readdirSync(tests)
      .filter((f) => f.endsWith('.mbox'))
      .sort()
      .map((f) => fs.readFileSync(path.join(tests, f), 'latin1')),
  );
  const mboxPath = path.join(work, 'stress.mbox');
  fs.writeFileSync(mboxPath, mbox.text, 'latin1');
  log(`stress mailbox: ${mbox.messages} messages of imaptest's test mailboxes (${mbox.left} with a repeated Message-ID left out)`);

  buildServer();
  const startedAt = new Date();
  const loadBefore = loadAverage();
  // All clients come from 127.0.0.1 and log in again after every LOGOUT: the per-address caps (30 sessions
  // not logged in, 50 in all) would answer the surplus "* BYE [UNAVAILABLE]", which imaptest counts as errors.
  const mailroom = await startMailroomServe({
    listeners: ['imap'],
    env: { MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: '200', MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: '200' },
  });
  const res = await mailroom.admin('/api/v1/domains', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: DOMAIN }) });
  if (res.status >= 300) throw new Error(`POST /api/v1/domains: ${res.status} ${await res.text()}`);
  const imapPort = mailroom.ports.imap!;

  log('scripted tests against Mailroom...');
  await addMailroomAccount(mailroom, `scripted@${DOMAIN}`);
  const scriptedOut = await imaptest(binary, ['host=127.0.0.1', `port=${imapPort}`, `user=scripted@${DOMAIN}`, `pass=${PASSWORD}`, `test=${tests}`], 600_000);
  const scripted: ScriptedSummary = parseScripted(scriptedOut);
  // imaptest reports each failure as "*** Test <group> command <n>/<m> (line <k>)" (or "initialization failed").
  const failedGroupLines = scriptedOut.split('\n').filter((l) => l.startsWith('*** Test '));
  log(
    `scripted: ${scripted.groups} groups, ${scripted.failedGroups} failed; base ${scripted.baseFailed}/${scripted.baseCommands}, extensions ${scripted.extensionsFailed}/${scripted.extensionsCommands}`,
  );

  const runs = opts.pairs * opts.profiles.length;
  const users = Array.from({ length: runs }, (_, i) => `stress${i + 1}@${DOMAIN}`);
  // Dovecot's passwords in its {PLAIN} scheme: its bcrypt would make the default profile, which logs in after
  // every LOGOUT, a measure of bcrypt (Mailroom's logins are cheap through its authentication cache).
  const dovecot: RunningDovecot | null = withDovecot ? await startDovecot(new Map(users.map((u) => [u, `{PLAIN}${PASSWORD}`])), opts.clients) : null;

  const stress: StressRun[] = [];
  let next = 0;
  for (const profile of opts.profiles as ProfileName[]) {
    for (let pair = 0; pair < opts.pairs; pair++) {
      const user = users[next++]!;
      const targets: [StressRun['server'], number][] = [];
      if (withMailroom) {
        await addMailroomAccount(mailroom, user);
        targets.push(['Mailroom', imapPort]);
      }
      if (dovecot) targets.push(['Dovecot', dovecot.port]);
      for (const [server, port] of targets) {
        if (profile === 'extra') await createArchive(port, user);
        const before = loadAverage();
        const t = performance.now();
        const args = ['host=127.0.0.1', `port=${port}`, `user=${user}`, `pass=${PASSWORD}`, `mbox=${mboxPath}`, `clients=${opts.clients}`, `secs=${opts.secs}`, ...PROFILES[profile].args];
        const totals = parseStress(await imaptest(binary, args, (opts.secs + 120) * 1000));
        const seconds = (performance.now() - t) / 1000;
        stress.push({ profile, server, totals, seconds: opts.secs, loadBefore: before, loadAfter: loadAverage() });
        log(`${profile} #${pair + 1} ${server}: ${count(totals.commands)} commands (${count(totals.commands / opts.secs)}/s), ${totals.errors} errors (${seconds.toFixed(0)} s)`);
        for (const line of totals.firstErrors) log(`  ${line}`);
      }
    }
  }
  await mailroom.stop();
  await dovecot?.stop();
  fs.rmSync(work, { recursive: true, force: true });

  const args = reproducibleArgs(argv, ['imaptest']);
  const rate = (r: StressRun | undefined) => (r ? count(r.totals.commands / r.seconds) : 'not run');
  const errors = (r: StressRun | undefined) => (r ? String(r.totals.errors) : '');
  const rows: string[][] = [];
  for (const profile of opts.profiles as ProfileName[]) {
    const m = stress.filter((r) => r.profile === profile && r.server === 'Mailroom');
    const d = stress.filter((r) => r.profile === profile && r.server === 'Dovecot');
    for (let i = 0; i < opts.pairs; i++) {
      const ratio = m[i] && d[i] ? (m[i]!.totals.commands / d[i]!.totals.commands).toFixed(2) : '';
      rows.push([
        `${PROFILES[profile].label}, run ${i + 1}`,
        rate(m[i]),
        errors(m[i]),
        rate(d[i]),
        errors(d[i]),
        ratio,
        `${(m[i] ?? d[i])!.loadBefore.split(' ')[0]} / ${(d[i] ?? m[i])!.loadAfter.split(' ')[0]}`,
      ]);
    }
  }
  const extraRuns = stress.filter((r) => r.profile === 'extra' && r.server === 'Mailroom');
  const extraCounts = extraRuns.length
    ? `In the extra profile's Mailroom runs imaptest sent ${extraRuns.map((r) => `${count(r.totals.byCommand.get('Sear') ?? 0)} SEARCH, ${count(r.totals.byCommand.get('Sort') ?? 0)} SORT and ${count(r.totals.byCommand.get('Thre') ?? 0)} THREAD`).join('; ')}.`
    : '';
  const out = [
    TITLE,
    '',
    "Dovecot's [imaptest](https://github.com/dovecot/imaptest) against Mailroom (issue 16): its scripted conformance tests, and its stress mode against Mailroom and a private Dovecot in turn (`bench/imap/imaptest.ts`). imaptest is built outside this repository, as `bench/imap/README.md` says; nothing of it is committed.",
    '',
    `Command: \`npm run bench:imaptest -- --imaptest <imaptest build>${args ? ` ${args}` : ''}\`; imaptest ${version}; ${dovecot ? dovecotVersion() : 'Dovecot not run'}.`,
    '',
    '| scripted tests (`test=src/tests`, Mailroom) | result |',
    '| --- | --- |',
    `| groups | ${scripted.groups}, ${scripted.failedGroups} failed |`,
    `| base protocol commands failed | ${scripted.baseFailed} of ${scripted.baseCommands} |`,
    `| extension commands failed | ${scripted.extensionsFailed} of ${scripted.extensionsCommands} |`,
    ...(failedGroupLines.length ? ['', 'Failed:', '', ...failedGroupLines.slice(0, 20).map((l) => `- \`${l.trim()}\``)] : []),
    '',
    'Groups for a capability Mailroom does not announce (CATENATE, NOTIFY, CONTEXT=SEARCH/SORT, SORT=DISPLAY, URLAUTH) run no command; this imaptest counts them as neither run nor skipped (a counting bug fixed upstream in 9ea2bdd).',
    '',
    `Stress: ${opts.clients} clients on one account for ${opts.secs} s a run, a new account for every run, the runs of each profile alternating between the servers. The mailbox is imaptest's own test mailboxes (\`src/tests/*.mbox\`, ${mbox.messages} messages) less the ${mbox.left} whose Message-ID occurs twice: imaptest holds that one Message-ID always has the same content. Commands are the sum of imaptest's Totals row; errors are its \`Error:\` lines (a wrong or missing answer, a lost flag or expunge, a refused connection). The load average (1 min) rises with the run itself: ${opts.clients} clients, and Dovecot's imap process per session.`,
    '',
    ...table(['imaptest stress', 'Mailroom cmd/s', 'errors', 'Dovecot cmd/s', 'errors', 'ratio', 'load before / after'], ['l', 'r', 'r', 'r', 'r', 'r', 'r'], rows),
    '',
    ...(extraCounts ? [extraCounts, ''] : []),
    'Servers: Mailroom from the build (`node server/bin/mailroom.js serve`, SQLite store, its defaults but `limits.max_unauthenticated_per_ip` and `limits.max_sessions_per_ip` at 200: every client comes from 127.0.0.1 and reconnects after each LOGOUT). Dovecot as in "IMAP beside Dovecot" (`bench/imap/dovecot.ts`: Maildir, one imap process per session) with passwords in its `{PLAIN}` scheme: with bcrypt every LOGIN of the default profile costs a hash, and the run measures bcrypt; Mailroom\'s logins are cheap through its authentication cache.',
    '',
    ...conditions({ startedAt, loadBefore }),
  ];
  const section = out.join('\n') + '\n';
  process.stdout.write(`\n${section}`);
  const complete = withMailroom && withDovecot;
  if (!opts['no-write'] && complete) writeSection(TITLE, section, log);
  const failed = scripted.failedGroups + stress.filter((r) => r.server === 'Mailroom').reduce((n, r) => n + r.totals.errors, 0);
  return failed === 0 ? 0 : 1;
}

const argv = process.argv.slice(2);
const opts = readOptions(OPTIONS, argv);
await runMain(main, log);
