// A real clamd (Debian's clamav-daemon) on a free loopback port and a private unix socket, with a
// signature database the test writes itself: no freshclam, no network. The EICAR test string is assembled
// at run time so no antivirus on a developer machine quarantines this file.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';

// Debian installs the daemon in /usr/sbin, which a non-root user's PATH usually lacks; requireCommand and
// spawn both look it up on PATH.
if (!(process.env.PATH ?? '').split(':').includes('/usr/sbin')) process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin`;

/** The signature name clamd reports, before it appends `.UNOFFICIAL` for a non-official database. */
export const EICAR_SIGNATURE = 'Mailroom.Test.EICAR';

export function eicar(): Buffer {
  const pieces = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}', '$EICAR-STANDARD-ANTIVIRUS-', 'TEST-FILE!$H+H*'];
  return Buffer.from(pieces.join(''), 'ascii');
}

/** A multipart mail carrying EICAR as a base64 attachment: clamd must decode MIME to find it. */
export function eicarMail(): Buffer {
  const attachment = eicar().toString('base64');
  return Buffer.from(
    [
      'From: sender@remote.test',
      'To: alice@example.test',
      'Subject: the report you asked for',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See attached.',
      '--b1',
      'Content-Type: application/octet-stream; name="report.com"',
      'Content-Disposition: attachment; filename="report.com"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

export interface ClamdStartOptions {
  /** clamd.conf StreamMaxLength in bytes (clamd's default 25M when unset). */
  streamMaxBytes?: number;
}

export class ClamdProcess {
  private child: ChildProcess | null = null;
  private output = '';
  /** How long the last start took until clamd answered PING. */
  lastStartMs = 0;

  private constructor(
    readonly port: number,
    readonly socketPath: string,
    private readonly dir: string,
  ) {}

  get tcpUrl(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  get unixUrl(): string {
    return `unix:${this.socketPath}`;
  }

  static async start(options: ClamdStartOptions = {}): Promise<ClamdProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-clamd-'));
    const db = path.join(dir, 'db');
    fs.mkdirSync(db);
    // An .ndb body signature: Name:TargetType(0 = any file):Offset(* = anywhere):HexBody.
    fs.writeFileSync(path.join(db, 'mailroom-test.ndb'), `${EICAR_SIGNATURE}:0:*:${eicar().toString('hex')}\n`);
    const p = new ClamdProcess(await freePort(), path.join(dir, 'clamd.sock'), dir);
    const lines = [
      `DatabaseDirectory ${db}`,
      `TCPSocket ${p.port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${p.socketPath}`,
      'FixStaleSocket yes',
      'Foreground yes',
      `TemporaryDirectory ${dir}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      ...(options.streamMaxBytes === undefined ? [] : [`StreamMaxLength ${options.streamMaxBytes}`]),
    ];
    fs.writeFileSync(path.join(dir, 'clamd.conf'), `${lines.join('\n')}\n`);
    await p.resume();
    return p;
  }

  /** Starts (again) with the same config, port and socket, and waits until clamd answers PING. */
  async resume(): Promise<void> {
    if (this.child) throw new Error('clamd is already running');
    const started = Date.now();
    const child = spawn('clamd', ['-c', path.join(this.dir, 'clamd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 30_000;
    while (!(await pong(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`clamd did not start:\n${this.output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    this.lastStartMs = Date.now() - started;
  }

  /** Stops clamd and waits for it to exit; the directory stays so resume() can bring it back. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await exited;
  }

  /** SIGSTOP: the kernel still accepts connections on clamd's socket, but nothing answers. */
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
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2_000, () => done(false));
    s.once('connect', () => s.write('zPING\0'));
    s.on('data', (c: Buffer) => {
      reply += c.toString('latin1');
      if (reply.includes('\0')) done(reply.startsWith('PONG'));
    });
    s.once('error', () => done(false));
    s.once('close', () => done(false));
  });
}
