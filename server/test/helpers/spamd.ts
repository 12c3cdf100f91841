// A real spamd (Debian's spamassassin + spamd) on a free loopback port with a private site config: the
// rules that ship with the package, no network tests, no Bayes, no auto-learning, so scores are the same
// on every machine. Runs in the foreground so the test owns the process and a crash cannot leak a daemon.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';

// Debian installs the daemon in /usr/sbin, which a non-root user's PATH usually lacks; requireCommand and
// spawn both look it up on PATH.
if (!(process.env.PATH ?? '').split(':').includes('/usr/sbin')) process.env.PATH = `${process.env.PATH ?? ''}:/usr/sbin`;

/** SpamAssassin's GTUBE test string (scores 1000), assembled at run time like EICAR. */
export function gtube(): string {
  return ['XJS*C4JDBQADN1.NSBN3*2IDNEN*', 'GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'].join('');
}

export function gtubeMail(): Buffer {
  return Buffer.from(`From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: test\r\n\r\n${gtube()}\r\n`);
}

/** An ordinary personal message; with the shipped rules and no network tests it scores well below 5. */
export function hamMail(): Buffer {
  return Buffer.from(
    [
      'From: Bob <bob@example.test>',
      'To: Alice <alice@example.test>',
      'Subject: Lunch on Thursday',
      'Date: Mon, 2 Jun 2025 10:00:00 +0000',
      'Message-ID: <lunch-42@example.test>',
      '',
      'Hi Alice,',
      '',
      'shall we meet at noon by the fountain? I will bring the notes from the meeting.',
      '',
      'Bob',
      '',
    ].join('\r\n'),
  );
}

const LOCAL_CF = [
  'required_score 5.0',
  'report_safe 0',
  'skip_rbl_checks 1',
  'dns_available no',
  'use_bayes 0',
  'bayes_auto_learn 0',
  'use_razor2 0',
  'use_pyzor 0',
].join('\n');

export class SpamdProcess {
  private child: ChildProcess | null = null;
  private output = '';
  /** How long the last start took until spamd answered PING. */
  lastStartMs = 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<SpamdProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-spamd-'));
    const site = path.join(dir, 'site');
    fs.mkdirSync(site);
    fs.mkdirSync(path.join(dir, 'home'));
    // The .pre files load the plugins the shipped rules expect; local.cf turns off everything networked.
    for (const f of fs.readdirSync('/etc/spamassassin').filter((n) => n.endsWith('.pre'))) fs.copyFileSync(path.join('/etc/spamassassin', f), path.join(site, f));
    fs.writeFileSync(path.join(site, 'local.cf'), `${LOCAL_CF}\n`);
    // spamd's children run as nobody when started as root; they must read the config and use the home.
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(site, 0o755);
    fs.chmodSync(path.join(dir, 'home'), 0o777);
    const p = new SpamdProcess(await freePort(), dir);
    await p.resume();
    return p;
  }

  /** Starts (again) on the same port with the same config and waits until spamd answers PING. */
  async resume(): Promise<void> {
    if (this.child) throw new Error('spamd is already running');
    const started = Date.now();
    const asRoot = process.getuid?.() === 0;
    const args = [
      `--listen=127.0.0.1:${this.port}`,
      ...(asRoot ? ['-u', 'nobody'] : []),
      '-x',
      `--siteconfigpath=${path.join(this.dir, 'site')}`,
      `--helper-home-dir=${path.join(this.dir, 'home')}`,
      `--pidfile=${path.join(this.dir, 'spamd.pid')}`,
      `--syslog=${path.join(this.dir, 'spamd.log')}`,
      '--max-children=2',
      '--min-children=1',
    ];
    const child = spawn('spamd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    const deadline = Date.now() + 60_000;
    while (!(await pong(this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        const log = fs.existsSync(path.join(this.dir, 'spamd.log')) ? fs.readFileSync(path.join(this.dir, 'spamd.log'), 'utf8') : '';
        throw new Error(`spamd did not start:\n${(this.output + log).slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.lastStartMs = Date.now() - started;
  }

  /** Stops spamd (the parent takes its children down on SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
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
    s.once('connect', () => s.end('PING SPAMC/1.5\r\n\r\n'));
    s.on('data', (c: Buffer) => (reply += c.toString('latin1')));
    s.once('end', () => done(/^SPAMD\/[\d.]+ 0 PONG/.test(reply)));
    s.once('error', () => done(false));
  });
}
