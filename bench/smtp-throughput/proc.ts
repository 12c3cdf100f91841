// Processes, temporary directories and ports for the benchmark, with one cleanup list that runs on a
// normal end, on an error, on Ctrl-C and, as a last resort, synchronously when the process exits.
// Every wait here has a deadline: a benchmark that hangs is worse than one that fails.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

interface CleanupAction {
  name: string;
  run: () => Promise<void> | void;
  /** What the `exit` handler does when `run` never got its chance (it cannot wait for anything). */
  runSync: () => void;
}

const actions: CleanupAction[] = [];

/** Registers a cleanup; the returned function runs it now (once) and takes it off the list. */
export function onCleanup(name: string, run: () => Promise<void> | void, runSync: () => void = () => undefined): () => Promise<void> {
  const action: CleanupAction = { name, run, runSync };
  actions.push(action);
  return async () => {
    const i = actions.indexOf(action);
    if (i < 0) return;
    actions.splice(i, 1);
    await runBounded(action);
  };
}

async function runBounded(action: CleanupAction): Promise<void> {
  try {
    await withTimeout(Promise.resolve(action.run()), 30_000, `cleanup of ${action.name}`);
  } catch (err) {
    process.stderr.write(`bench: cleanup of ${action.name} failed (${(err as Error).message}); forcing it\n`);
    try {
      action.runSync();
    } catch {
      // nothing more we can do
    }
  }
}

/** Runs every registered cleanup, newest first. */
export async function cleanupAll(): Promise<void> {
  while (actions.length > 0) await runBounded(actions.pop()!);
}

/**
 * Runs `fn`, then cleans up whatever it registered and left behind (newest first), even when it throws:
 * a run that fails half-way must not leave a server running into the next run.
 */
export async function cleanupScope<T>(fn: () => Promise<T>): Promise<T> {
  const before = new Set(actions);
  try {
    return await fn();
  } finally {
    for (const action of actions.filter((a) => !before.has(a)).reverse()) {
      actions.splice(actions.indexOf(action), 1);
      await runBounded(action);
    }
  }
}

process.on('exit', () => {
  while (actions.length > 0) {
    try {
      actions.pop()!.runSync();
    } catch {
      // keep going: the remaining actions still matter
    }
  }
});

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A temporary directory that is removed by the cleanup list. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  onCleanup(`temporary directory ${dir}`, remove, remove);
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.setTimeout(1000, () => {
      s.destroy();
      resolve(false);
    });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Waits until something accepts connections on 127.0.0.1:port; `alive` can abort early (process died). */
export async function waitForPort(port: number, timeoutMs: number, alive: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead !== null) throw new Error(dead);
    if (await canConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${Math.round(timeoutMs / 1000)} s`);
}

/** Polls `check` until it returns true; resolves with the milliseconds waited. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs: number, intervalMs = 10): Promise<number> {
  const started = performance.now();
  const deadline = started + timeoutMs;
  for (;;) {
    if (check()) return performance.now() - started;
    if (performance.now() > deadline) throw new Error(`${what}: not reached within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(intervalMs);
  }
}

/** Runs a short command to completion; rejects with its output when it fails or outlives `timeoutMs`. */
export function runCommand(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${tail(stdout + stderr)}`));
      else resolve(stdout);
    });
  });
}

export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const OUTPUT_KEPT_BYTES = 512 * 1024;

/** A long-running child we started; stopped (and if need be killed) by the cleanup list. */
export class Child {
  readonly proc: ChildProcess;
  /** The last OUTPUT_KEPT_BYTES or so of stdout and stderr, as received. */
  private chunks: Buffer[] = [];
  private kept = 0;
  readonly exited: Promise<void>;
  readonly stop: () => Promise<void>;

  constructor(
    readonly name: string,
    file: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.proc = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Kept as bytes and only the tail: a server logging every category writes megabytes a second, and
    // turning them into strings here would take CPU from the server under test on the same cores.
    const collect = (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.kept += chunk.length;
      while (this.kept - this.chunks[0]!.length >= OUTPUT_KEPT_BYTES) this.kept -= this.chunks.shift()!.length;
    };
    this.proc.stdout!.on('data', collect);
    this.proc.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.proc.once('close', () => resolve()));
    this.proc.once('error', (err) => collect(Buffer.from(`spawn error: ${err.message}\n`)));
    this.stop = onCleanup(
      `${name} (pid ${this.proc.pid})`,
      () => this.terminate(),
      () => this.kill('SIGKILL'),
    );
  }

  /** Output so far (its tail), stdout and stderr interleaved. */
  get output(): string {
    return Buffer.concat(this.chunks).toString();
  }

  /** Null while running, otherwise why it is gone. */
  deadReason(): string | null {
    if (this.proc.exitCode === null && this.proc.signalCode === null) return null;
    return `${this.name} exited (${this.proc.exitCode ?? this.proc.signalCode}):\n${tail(this.output)}`;
  }

  private kill(signal: NodeJS.Signals): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
  }

  /** SIGTERM, up to 15 s to exit, then SIGKILL. */
  private async terminate(): Promise<void> {
    if (this.deadReason() !== null) return;
    this.kill('SIGTERM');
    try {
      await withTimeout(this.exited, 15_000, `${this.name} to exit after SIGTERM`);
    } catch {
      this.kill('SIGKILL');
      await withTimeout(this.exited, 5_000, `${this.name} to exit after SIGKILL`);
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc; null when unavailable. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux x86-64 and arm64

/**
 * Runs a benchmark's main function as the whole process: servers and directories are cleaned up on
 * Ctrl-C, on SIGTERM and at the end, a failure is printed, and the process exits with main's code.
 */
export async function runMain(main: () => Promise<number>, log: (line: string) => void): Promise<never> {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping servers and removing temporary directories...`);
      void cleanupAll().finally(() => process.exit(130));
    });
  }
  let code = 1;
  try {
    code = await main();
  } catch (err) {
    log(`failed: ${(err as Error).stack ?? (err as Error).message}`);
  } finally {
    await cleanupAll();
  }
  process.exit(code);
}
