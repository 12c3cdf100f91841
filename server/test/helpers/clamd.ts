// A real clamd (Debian's clamav-daemon) on a free loopback port and a private unix socket, with a
// signature database the test writes itself: no freshclam, no network. The EICAR test string is assembled
// at run time so no antivirus on a developer machine quarantines this file.
import fs from 'node:fs';
import path from 'node:path';
import { ScannerDaemon } from './scanner-daemons.ts';

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

export class ClamdProcess extends ScannerDaemon {
  readonly socketPath: string;

  private constructor(port: number, dir: string) {
    super(port, dir, {
      command: 'clamd',
      args: ['-c', path.join(dir, 'clamd.conf')],
      ping: { request: 'zPING\0', halfClose: false, pong: /^PONG\0/ },
      startTimeoutMs: 30_000,
      pollMs: 50,
      logFile: 'clamd.log',
    });
    this.socketPath = path.join(dir, 'clamd.sock');
  }

  get tcpUrl(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  get unixUrl(): string {
    return `unix:${this.socketPath}`;
  }

  /** clamd on a free port and a unix socket in its own directory, with only the EICAR signature. */
  static async start(options: ClamdStartOptions = {}): Promise<ClamdProcess> {
    const { dir, port } = await ScannerDaemon.workspace('clamd');
    const db = path.join(dir, 'db');
    fs.mkdirSync(db);
    // An .ndb body signature: Name:TargetType(0 = any file):Offset(* = anywhere):HexBody.
    fs.writeFileSync(path.join(db, 'mailroom-test.ndb'), `${EICAR_SIGNATURE}:0:*:${eicar().toString('hex')}\n`);
    const clamd = new ClamdProcess(port, dir);
    const lines = [
      `DatabaseDirectory ${db}`,
      `TCPSocket ${port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${clamd.socketPath}`,
      'FixStaleSocket yes',
      'Foreground yes',
      `TemporaryDirectory ${dir}`,
      `LogFile ${path.join(dir, 'clamd.log')}`,
      ...(options.streamMaxBytes === undefined ? [] : [`StreamMaxLength ${options.streamMaxBytes}`]),
    ];
    fs.writeFileSync(path.join(dir, 'clamd.conf'), `${lines.join('\n')}\n`);
    return ScannerDaemon.started(clamd);
  }
}
