// One `mailroom serve` per data directory. Two processes on one SQLite file would each run delivery and
// hand out POP3 sessions on the same mailbox; several nodes are what PostgreSQL is for (each node then has
// its own data_dir). The lock is a file, `mailroom.lock`, holding the owner's pid, host and start time,
// created with O_EXCL. Node has no flock(), so a lock left by a killed process is recognised as stale
// when its pid is no longer alive on this host, and taken over. Two processes that find the same stale
// lock in the same instant can both take it; the re-read after writing narrows that to a few microseconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'mailroom.lock';

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `the data directory ${dataDir} is in use by mailroom process ${owner.pid} (started ${owner.startedAt}): ` +
        'stop that process first, or give this one its own data_dir (several nodes share a PostgreSQL database, not a data directory)',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to another user; it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? 'at an unknown time') };
  } catch {
    return null;
  }
}

/** A lock from this host whose process is gone, or one that cannot be read (a crash while writing it). */
function isStale(owner: LockOwner | null): boolean {
  if (owner === null) return true;
  if (owner.host !== os.hostname()) return false; // a data directory on a shared filesystem: never guess
  return owner.pid !== process.pid && !isAlive(owner.pid);
}

export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${JSON.stringify(me)}\n`, { flag: 'wx', mode: 0o644 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = readOwner(file);
      if (!isStale(owner)) throw new DataDirInUseError(dataDir, owner!);
      fs.rmSync(file, { force: true });
      continue;
    }
    const written = readOwner(file);
    if (written?.pid !== me.pid) throw new DataDirInUseError(dataDir, written ?? me);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      if (readOwner(file)?.pid === me.pid) fs.rmSync(file, { force: true });
    };
    process.once('exit', release);
    return { release };
  }
  throw new DataDirInUseError(dataDir, readOwner(file) ?? me);
}
