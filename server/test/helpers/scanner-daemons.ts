// What the clamd and spamd helpers share: a real scanner daemon as a child process of the test, on a free
// loopback port with its own temporary directory, started and waited for until it answers PING, stopped
// (also while frozen) and removed; and the check that skips a test locally, or fails it in CI, when the
// daemon is not installed. clamd.ts and spamd.ts only write the daemon's configuration.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';
import { requireCommand } from './tools.ts';

// Debian installs both daemons in /usr/sbin, which a non-root user's PATH usually lacks; requireCommand and
// spawn both look them up on PATH.
if (!(process.env.PATH ?? '').split(':').includes('/usr/sbin')) process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin`;

export type ScannerDaemonName = 'clamd' | 'spamd';

const PURPOSE: Record<ScannerDaemonName, string> = {
  clamd: 'real virus scanner for the scanning tests',
  spamd: 'real SpamAssassin for the scanning tests',
};

/**
 * True when every named daemon is installed. Otherwise, as requireCommand: prints `SKIPPED: ...` and
 * returns false locally, throws in CI (CI=true). Stops at the first one missing, like `a && b`.
 */
export function requireScannerDaemons(...names: ScannerDaemonName[]): boolean {
  return names.every((name) => requireCommand(name, PURPOSE[name]));
}

/** How one daemon is run and asked whether it is up. */
export interface DaemonLaunch {
  command: ScannerDaemonName;
  args: string[];
  /** Sent on a fresh connection; `halfClose` ends our side after it (spamd reads the request to EOF). */
  ping: { request: string; halfClose: boolean; pong: RegExp };
  /** How long a start may take until PING is answered (spamd compiles its rules first). */
  startTimeoutMs: number;
  pollMs: number;
  /** The daemon's log in its directory, shown when it does not start. */
  logFile: string;
}

/** How long a daemon gets to exit on SIGTERM before it is killed, so a stuck one cannot hang afterAll. */
const STOP_GRACE_MS = 15_000;

export abstract class ScannerDaemon {
  private child: ChildProcess | null = null;
  private output = '';
  /** How long the last start took until the daemon answered PING. */
  lastStartMs = 0;

  protected constructor(
    readonly port: number,
    protected readonly dir: string,
    private readonly launch: DaemonLaunch,
  ) {}

  /** A fresh temporary directory and a free loopback port for a daemon that is about to be configured. */
  protected static async workspace(name: ScannerDaemonName): Promise<{ dir: string; port: number }> {
    return { dir: fs.mkdtempSync(path.join(os.tmpdir(), `mailroom-${name}-`)), port: await freePort() };
  }

  /** Starts a configured daemon; when it does not come up, its directory goes too. */
  protected static async started<T extends ScannerDaemon>(daemon: T): Promise<T> {
    try {
      await daemon.resume();
      return daemon;
    } catch (err) {
      fs.rmSync(daemon.dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts (again) with the same configuration and port, and waits until the daemon answers PING. */
  async resume(): Promise<void> {
    const { command, args, startTimeoutMs, pollMs } = this.launch;
    if (this.child) throw new Error(`${command} is already running`);
    const started = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    const gone = () => {
      if (this.child === child) this.child = null;
    };
    child.once('exit', gone);
    // A daemon that cannot be spawned at all (not on PATH) reports only here: it never has an exit.
    child.once('error', (err) => {
      this.output += `${err.message}\n`;
      if (child.pid === undefined) gone();
    });
    const deadline = started + startTimeoutMs;
    while (!(await answersPing(this.port, this.launch.ping))) {
      if (this.child !== child || Date.now() > deadline) {
        await this.stop();
        throw new Error(`${command} did not start:\n${(this.output + this.log()).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    this.lastStartMs = Date.now() - started;
  }

  /** Stops the daemon (thawed first if frozen) and waits for it to exit; the directory stays for resume(). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(kill);
  }

  /** SIGSTOP: the kernel still accepts connections on the daemon's port, but nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  async cleanup(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private log(): string {
    const file = path.join(this.dir, this.launch.logFile);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }
}

/** One PING on a fresh connection: true once the reply matches, false on anything else within 2 s. */
function answersPing(port: number, ping: DaemonLaunch['ping']): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2_000, () => done(false));
    s.once('connect', () => (ping.halfClose ? s.end(ping.request) : s.write(ping.request)));
    s.on('data', (c: Buffer) => {
      reply += c.toString('latin1');
      if (ping.pong.test(reply)) done(true);
    });
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}
