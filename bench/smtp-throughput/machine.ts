// The conditions a figure was measured under: hardware, versions, load and how fast the disk syncs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { postfixVersion } from './postfix.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  os: string;
  node: string;
  postfix: string;
  smtpServer: string;
  mailroomCommit: string;
  tmpFilesystem: string;
}

const REPO = fileURLToPath(new URL('../..', import.meta.url));

function cpuModel(): string {
  const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
  return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function git(...args: string[]): string {
  const r = spawnSync('git', ['-C', REPO, ...args], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** The file system the temporary directories (and so both servers' queues) live on. */
function tmpFilesystem(): string {
  const dir = fs.realpathSync(os.tmpdir());
  let best = { mount: '', text: 'unknown' };
  for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [device, mount, type, options] = line.split(' ');
    if (!device || !mount) continue;
    if ((dir === mount || dir.startsWith(mount.endsWith('/') ? mount : `${mount}/`)) && mount.length >= best.mount.length) {
      best = { mount, text: `${type} on ${device} (${options?.split(',').slice(0, 2).join(',')}), mounted at ${mount}` };
    }
  }
  return `${dir}: ${best.text}`;
}

export function describeMachine(): Machine {
  const require = createRequire(import.meta.url);
  const smtpServerPkg = require('smtp-server/package.json') as { version: string };
  // BENCHMARKS.md is what the benchmarks write: a section from an earlier run does not change what is measured.
  const dirty = git('status', '--porcelain', '--', '.', ':(exclude)BENCHMARKS.md').length > 0;
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    os: osName(),
    node: process.version,
    postfix: postfixVersion(),
    smtpServer: smtpServerPkg.version,
    mailroomCommit: `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty ? ' with uncommitted changes' : ''}`,
    tmpFilesystem: tmpFilesystem(),
  };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export interface SyncLatency {
  /** 4 KiB overwritten in place, then fdatasync: the cheapest durable write. */
  overwriteMs: number;
  /** 4 KiB appended (the file grows), then fsync: what a growing WAL or a new queue file pays. */
  appendMs: number;
  samples: number;
}

/**
 * How long a durable write takes in the temporary directory: both servers pay it at least once per
 * accepted message, so it bounds what "durable before 250" can cost. Medians of up to 200 syncs each,
 * at most about 3 s in all.
 */
export function probeFsync(): SyncLatency {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fsync-probe-'));
  const block = Buffer.alloc(4096, 1);
  const time = (file: string, write: (fd: number, i: number) => void, sync: (fd: number) => void): number[] => {
    const fd = fs.openSync(path.join(dir, file), 'w');
    const samples: number[] = [];
    try {
      const deadline = performance.now() + 1_500;
      for (let i = 0; i < 200 && performance.now() < deadline; i++) {
        const t = performance.now();
        write(fd, i);
        sync(fd);
        samples.push(performance.now() - t);
      }
    } finally {
      fs.closeSync(fd);
    }
    return samples;
  };
  try {
    const overwrite = time('overwrite', (fd, i) => fs.writeSync(fd, block, 0, block.length, (i % 8) * block.length), fs.fdatasyncSync);
    const append = time('append', (fd) => fs.writeSync(fd, block), fs.fsyncSync);
    return { overwriteMs: medianOf(overwrite), appendMs: medianOf(append), samples: Math.min(overwrite.length, append.length) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
