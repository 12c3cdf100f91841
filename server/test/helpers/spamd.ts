// A real spamd (Debian's spamassassin + spamd) on a free loopback port with a private site config: the
// rules that ship with the package, no network tests, no Bayes, no auto-learning, so scores are the same
// on every machine. Runs in the foreground so the test owns the process and a crash cannot leak a daemon.
import fs from 'node:fs';
import path from 'node:path';
import { ScannerDaemon } from './scanner-daemons.ts';

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

const LOCAL_CF = ['required_score 5.0', 'report_safe 0', 'skip_rbl_checks 1', 'dns_available no', 'use_bayes 0', 'bayes_auto_learn 0', 'use_razor2 0', 'use_pyzor 0'].join('\n');

export class SpamdProcess extends ScannerDaemon {
  private constructor(port: number, dir: string) {
    // As root, spamd is told to run its children as nobody.
    const asRoot = process.getuid?.() === 0;
    super(port, dir, {
      command: 'spamd',
      args: [
        `--listen=127.0.0.1:${port}`,
        ...(asRoot ? ['-u', 'nobody'] : []),
        '-x',
        `--siteconfigpath=${path.join(dir, 'site')}`,
        `--helper-home-dir=${path.join(dir, 'home')}`,
        `--pidfile=${path.join(dir, 'spamd.pid')}`,
        `--syslog=${path.join(dir, 'spamd.log')}`,
        '--max-children=2',
        '--min-children=1',
      ],
      ping: { request: 'PING SPAMC/1.5\r\n\r\n', halfClose: true, pong: /^SPAMD\/[\d.]+ 0 PONG/ },
      // It compiles the shipped rules before it listens.
      startTimeoutMs: 60_000,
      pollMs: 100,
      logFile: 'spamd.log',
    });
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** spamd on a free port with a private site config in its own directory; the parent takes its children down on SIGTERM. */
  static async start(): Promise<SpamdProcess> {
    const { dir, port } = await ScannerDaemon.workspace('spamd');
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
    return ScannerDaemon.started(new SpamdProcess(port, dir));
  }
}
