// A private Dovecot (Debian's dovecot-imapd 2.3) to measure beside Mailroom on the same machine at the
// same time: its own configuration file, base_dir, log file and Maildir under one temporary directory,
// IMAP on a free loopback port, no TLS, and it never touches /etc/dovecot or the system service.
//
// Run as root (the bench container), the master stays root as Dovecot requires for privilege separation;
// login processes run as dovenull, auth and mail processes as dovecot (the package's users). Run as an
// ordinary user, Dovecot runs every process as that user instead. Either way nothing listens off loopback.
//
// Passwords: Mailroom hashes with scrypt (N=16384, r=8, p=1; server/src/auth/password.ts). Dovecot 2.3 has
// no scrypt; BLF-CRYPT (bcrypt) cost 10 takes about the same wall time per check here (~0.1 s on the loaded
// bench machine), so logins per second compare like with like. It is not memory-hard as scrypt is.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { freePort, makeTempDir, onCleanup, runCommand, sleep, tail, waitForPort } from '../smtp-throughput/proc.ts';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
/** bcrypt cost: see the head comment. */
const BCRYPT_COST = 10;

export interface RunningDovecot {
  port: number;
  /** LMTP on 127.0.0.1, for delivering the bench's messages. */
  lmtpPort: number;
  dir: string;
  /** Every process of this instance (master and its children), for PSS sums. */
  pids(): number[];
  stop(): Promise<void>;
}

export function dovecotVersion(): string {
  const r = spawnSync(DOVECOT, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

export function dovecotInstalled(): boolean {
  return ['imap', 'imap-login', 'lmtp'].every((f) => fs.existsSync(`/usr/lib/dovecot/${f}`)) && fs.existsSync(DOVECOT);
}

function userIds(name: string): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name} in /etc/passwd: install dovecot-core (scripts/install-bench-deps.sh)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The configuration: everything the run depends on is here, nothing from /etc/dovecot. */
export function dovecotConf(o: { dir: string; port: number; lmtpPort: number; maxSessions: number; asRoot: boolean; authCache?: boolean }): string {
  const users = o.asRoot ? ['default_login_user = dovenull', 'default_internal_user = dovecot', 'first_valid_uid = 1'] : [];
  return [
    `base_dir = ${o.dir}/run`,
    `state_dir = ${o.dir}/state`,
    `log_path = ${o.dir}/dovecot.log`,
    // LMTP on loopback so smtp-source -L delivers the same generated messages Mailroom gets by SMTP.
    'protocols = imap lmtp',
    'listen = 127.0.0.1',
    'ssl = no',
    // Plain-text LOGIN over loopback without TLS, as Mailroom's bench does.
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    `mail_location = maildir:${o.dir}/mail/%u`,
    ...users,
    // No cache of verified passwords unless asked: every LOGIN pays the hash, as in Mailroom with its cache off.
    o.authCache ? 'auth_cache_size = 10M' : 'auth_cache_size = 0',
    // Defaults are made for a few hundred users; raise them as Mailroom's caps are raised for the run.
    `default_client_limit = ${o.maxSessions + 100}`,
    `default_process_limit = ${o.maxSessions + 100}`,
    'mail_max_userip_connections = 100000',
    'login_trusted_networks = 127.0.0.0/8',
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=BLF-CRYPT ${o.dir}/users`,
    '}',
    'userdb {',
    '  driver = passwd-file',
    `  args = ${o.dir}/users`,
    '}',
    'service imap-login {',
    `  inet_listener imap {\n    address = 127.0.0.1\n    port = ${o.port}\n  }`,
    '  inet_listener imaps {\n    port = 0\n  }',
    // high-performance mode: a few login processes each proxying many connections (Dovecot's advice).
    '  service_count = 0',
    '  process_min_avail = 2',
    `  client_limit = ${o.maxSessions + 100}`,
    '}',
    'service lmtp {',
    `  inet_listener lmtp {\n    address = 127.0.0.1\n    port = ${o.lmtpPort}\n  }`,
    '}',
    'service imap {',
    // One imap process per session is Dovecot's default and how it is deployed; kept.
    `  process_limit = ${o.maxSessions + 100}`,
    '}',
    // Sized for every protocol service at its process limit, as doveconf asks.
    'service anvil {',
    `  client_limit = ${4 * o.maxSessions + 500}`,
    '}',
    'service auth {',
    `  client_limit = ${4 * o.maxSessions + 500}`,
    '}',
    '',
  ].join('\n');
}

/** A bcrypt hash of `password` made by doveadm, for the passwd-file. */
export async function hashPassword(password: string): Promise<string> {
  return (await runCommand(DOVEADM, ['pw', '-s', 'BLF-CRYPT', '-r', String(BCRYPT_COST), '-p', password])).trim();
}

/** All descendants of `root` (and `root`), from /proc. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Starts Dovecot with `users` (address -> password hash) and a Maildir per user; `fill` may write messages
 * into `<dir>/mail/<user>/new/` before the server starts (ownership is fixed afterwards).
 */
export async function startDovecot(users: Map<string, string>, maxSessions: number, fill?: (dir: string) => void, authCache = false): Promise<RunningDovecot> {
  const dir = makeTempDir('mailroom-bench-dovecot-');
  const port = await freePort();
  const lmtpPort = await freePort();
  const asRoot = process.getuid?.() === 0;
  for (const sub of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  // As root, mail belongs to the package's dovecot user (the passwd-file names its uid and gid).
  const ids = asRoot ? userIds('dovecot') : null;
  const owner = ids ? `:${ids.uid}:${ids.gid}:` : '::';
  const lines = [...users].map(([user, hash]) => `${user}:${hash}${owner}:${dir}/mail/${user}::`);
  fs.writeFileSync(path.join(dir, 'users'), lines.join('\n') + '\n', { mode: 0o644 });
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(conf, dovecotConf({ dir, port, lmtpPort, maxSessions, asRoot, authCache }));
  for (const user of users.keys()) for (const sub of ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(dir, 'mail', user, sub), { recursive: true });
  fill?.(dir);
  if (ids) {
    spawnSync('chown', ['-R', `${ids.uid}:${ids.gid}`, path.join(dir, 'mail')]);
    fs.chmodSync(dir, 0o755);
  }
  const r = spawnSync(DOVECOT, ['-c', conf], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`dovecot -c ${conf} failed: ${tail(r.stdout + r.stderr)}`);
  const masterPid = async (): Promise<number> => Number(fs.readFileSync(path.join(dir, 'run', 'master.pid'), 'utf8').trim());
  const logTail = () => {
    try {
      return tail(fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8'));
    } catch {
      return '(no log)';
    }
  };
  const stop = onCleanup(
    'dovecot',
    async () => {
      spawnSync(DOVECOT, ['-c', conf, 'stop'], { timeout: 30_000 });
      for (let i = 0; i < 100 && fs.existsSync(path.join(dir, 'run', 'master.pid')); i++) await sleep(100);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    () => {
      spawnSync(DOVECOT, ['-c', conf, 'stop'], { timeout: 10_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  );
  try {
    await waitForPort(port, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${logTail()}`);
  }
  const root = await masterPid();
  return { port, lmtpPort, dir, pids: () => processTree(root), stop };
}

/** Proportional set size of `pid` in bytes (shared pages split among their users), or null if gone. */
export function pssBytes(pid: number): number | null {
  try {
    const m = /^Pss:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** PSS summed over processes: for a multi-process server, its whole footprint without double counting. */
export function pssSum(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (pssBytes(pid) ?? 0), 0);
}
