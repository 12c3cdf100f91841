// A private Postfix instance from Debian's package that never touches the system one: its own config
// directory (a copy of /etc/postfix/main.cf edited with postconf -e, and master.cf with smtpd on a free
// loopback port), its own queue and data directories and log file, all under one temporary directory.
//
// Mail for bench.test goes through the normal path: smtpd -> cleanup (queue file fsynced before the 250)
// -> qmgr -> virtual(8) -> Maildir (the file fsynced before it counts as delivered) -> queue file removed.
// Changes from Debian's defaults, and why:
// - chroot off for every service: Debian's chroot needs copies of /etc files inside the queue
//   directory; irrelevant to speed.
// - virtual(8) delivery for one mailbox owned by `nobody`, so no Unix account or alias database.
// - maillog_file instead of syslog (there is none); Postfix still logs every message, as it does in use.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { RECIPIENT } from './load.ts';
import { freePort, makeTempDir, onCleanup, runCommand, sleep, tail, waitForPort } from './proc.ts';
import type { RunningServer, Target } from './target.ts';

const POSTFIX = '/usr/sbin/postfix';
const POSTCONF = '/usr/sbin/postconf';

function userIds(name: string): { uid: number; gid: number } {
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name} in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Debian's master.cf with smtpd on 127.0.0.1:port only and chroot off for every service. */
export function privateMasterCf(original: string, port: number): string {
  return original
    .split('\n')
    .map((line) => {
      if (/^smtp\s+inet\s/.test(line)) return `127.0.0.1:${port} inet n - n - - smtpd`;
      if (/^[a-z]/i.test(line)) {
        const fields = line.trim().split(/\s+/);
        if (fields.length >= 8) {
          fields[4] = 'n';
          return fields.join(' ');
        }
      }
      return line;
    })
    .join('\n');
}

export function postfixVersion(): string {
  const r = spawnSync(POSTCONF, ['-h', 'mail_version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

function masterPid(queueDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(queueDir, 'pid', 'master.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function countFiles(dir: string): number {
  let n = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

export async function startPostfix(): Promise<RunningServer> {
  if (process.getuid?.() !== 0) throw new Error('the private Postfix instance needs root (postfix start runs master as root)');
  if (!fs.existsSync(POSTFIX)) throw new Error('Postfix is not installed: DEBIAN_FRONTEND=noninteractive apt-get install -y postfix');
  const root = makeTempDir('postfix-bench-');
  fs.chmodSync(root, 0o755); // postfix and nobody must reach data/ and mail/
  const dirs = { conf: path.join(root, 'conf'), queue: path.join(root, 'queue'), data: path.join(root, 'data'), mail: path.join(root, 'mail') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d);
  const postfixUser = userIds('postfix');
  const nobody = userIds('nobody');
  fs.chownSync(dirs.data, postfixUser.uid, postfixUser.gid);
  fs.chownSync(dirs.mail, nobody.uid, nobody.gid);

  const port = await freePort();
  fs.copyFileSync('/etc/postfix/main.cf', path.join(dirs.conf, 'main.cf'));
  fs.writeFileSync(path.join(dirs.conf, 'master.cf'), privateMasterCf(fs.readFileSync('/etc/postfix/master.cf', 'utf8'), port));
  const domain = RECIPIENT.split('@')[1]!;
  await runCommand(POSTCONF, [
    '-c',
    dirs.conf,
    '-e',
    `queue_directory = ${dirs.queue}`,
    `data_directory = ${dirs.data}`,
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'myhostname = mx.postfix-bench.test',
    'mydestination =',
    'alias_maps =',
    'alias_database =',
    'mynetworks = 127.0.0.0/8',
    'smtpd_client_restrictions =',
    `virtual_mailbox_domains = ${domain}`,
    `virtual_mailbox_base = ${dirs.mail}`,
    `virtual_mailbox_maps = inline:{${RECIPIENT}=${domain}/user/}`,
    `virtual_uid_maps = static:${nobody.uid}`,
    `virtual_gid_maps = static:${nobody.gid}`,
    `maillog_file = ${path.join(root, 'maillog')}`,
    `maillog_file_prefixes = ${root}`,
  ]);

  const postfix = (action: string) => runCommand(POSTFIX, ['-c', dirs.conf, action], { timeoutMs: 60_000 });
  const abortSync = () => {
    spawnSync(POSTFIX, ['-c', dirs.conf, 'abort'], { timeout: 10_000, stdio: 'ignore' });
    const pid = masterPid(dirs.queue);
    if (pid !== null && isAlive(pid)) {
      try {
        process.kill(-pid, 'SIGKILL'); // master calls setsid(): its pid is the group of its children
      } catch {
        process.kill(pid, 'SIGKILL');
      }
    }
  };
  const stop = onCleanup(
    `private Postfix in ${root}`,
    async () => {
      const pid = masterPid(dirs.queue);
      if (pid === null || !isAlive(pid)) return;
      await postfix('stop').catch(() => undefined);
      const deadline = Date.now() + 15_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) abortSync();
    },
    abortSync,
  );

  try {
    await postfix('start');
    await waitForPort(port, 30_000);
  } catch (err) {
    const log = fs.existsSync(path.join(root, 'maillog')) ? tail(fs.readFileSync(path.join(root, 'maillog'), 'utf8')) : '';
    throw new Error(`${(err as Error).message}\n${log}`);
  }

  const maildirNew = path.join(dirs.mail, domain, 'user', 'new');
  const queueDirs = ['maildrop', 'incoming', 'active', 'deferred', 'hold'].map((d) => path.join(dirs.queue, d));
  return {
    port,
    progress: () => ({
      delivered: countFiles(maildirNew),
      queued: queueDirs.reduce((n, d) => n + countFiles(d), 0),
    }),
    async stop() {
      await stop();
      return {};
    },
  };
}

export const postfixTarget: Target = {
  id: 'postfix',
  label: `Postfix ${postfixVersion()} (Debian), virtual -> Maildir`,
  notes:
    'Private instance, Debian defaults otherwise (no postscreen, no greeting delay). 250 after cleanup has fsynced the queue file; qmgr and virtual(8) then deliver into a Maildir (fsynced) and remove the queue file. Every message is logged to maillog_file.',
  start: startPostfix,
};
