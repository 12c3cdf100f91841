// Starts the real `mailroom` command as a child process on free loopback ports with a temporary data
// directory, the way an operator runs it. Tests talk to it only over its network protocols and CLI.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { assertLoopbackDns, emptyZoneDns } from './dns-server.ts';
import { freePort, waitForPort } from './ports.ts';

const run = promisify(execFile);
export const BIN = fileURLToPath(new URL('../../bin/mailroom.js', import.meta.url));

export interface MailroomPorts {
  smtp: number;
  submission: number;
  imap: number;
  pop3: number;
  admin: number;
}

export interface MailroomOptions {
  env?: Record<string, string>;
  dataDir?: string;
}

export class MailroomProcess {
  child: ChildProcess | null = null;
  output = '';
  readonly dataDir: string;
  readonly env: Record<string, string>;

  private constructor(
    readonly ports: MailroomPorts,
    options: MailroomOptions,
    defaultDns: string,
  ) {
    this.dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-test-'));
    this.env = {
      MAILROOM_DATA_DIR: this.dataDir,
      MAILROOM_HOSTNAME: 'mx.mailroom.test',
      MAILROOM_BIND: '127.0.0.1',
      MAILROOM_SMTP_PORT: String(ports.smtp),
      MAILROOM_SUBMISSION_PORT: String(ports.submission),
      MAILROOM_POP3_PORT: String(ports.pop3),
      MAILROOM_IMAP_PORT: String(ports.imap),
      MAILROOM_ADMIN_PORT: String(ports.admin),
      MAILROOM_SMTP_GREETING_DELAY_MS: '0',
      MAILROOM_LOG_LEVEL: 'info',
      // Never the system's resolvers: a DNS server on loopback (an empty zone unless the test brings one).
      MAILROOM_DNS_SERVERS: defaultDns,
      ...options.env,
    };
  }

  static async create(options: MailroomOptions = {}): Promise<MailroomProcess> {
    const ports = { smtp: await freePort(), submission: await freePort(), imap: await freePort(), pop3: await freePort(), admin: await freePort() };
    return new MailroomProcess(ports, options, (await emptyZoneDns()).address);
  }

  /** Runs a CLI command against this instance's database. */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, ...this.env } });
    return stdout;
  }

  async start(): Promise<void> {
    assertLoopbackDns(this.env);
    this.child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      this.output += chunk.toString();
      if (this.output.length > 2_000_000) this.output = this.output.slice(-1_000_000);
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    const exited = new Promise<never>((_, reject) => this.child!.once('exit', (code) => reject(new Error(`mailroom exited with ${code} during start:\n${this.output}`))));
    const ports = [this.ports.admin];
    if (this.env.MAILROOM_SMTP_PORT !== 'off') ports.push(this.ports.smtp);
    if (this.env.MAILROOM_SUBMISSION_PORT !== 'off') ports.push(this.ports.submission);
    if (this.env.MAILROOM_IMAP_PORT !== 'off') ports.push(this.ports.imap);
    if (this.env.MAILROOM_POP3_PORT !== 'off') ports.push(this.ports.pop3);
    await Promise.race([Promise.all(ports.map((p) => waitForPort(p))), exited]);
    exited.catch(() => undefined);
  }

  /** SIGKILL: the crash case. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(sig);
    await done;
    this.child = null;
  }

  async admin(pathname: string, init?: RequestInit): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.ports.admin}${pathname}`, init);
  }

  cleanup(): void {
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
