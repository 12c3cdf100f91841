// What left, or would leave, the server for foreign domains. The catcher is an SMTP server set as the
// Mailroom instance's smarthost (MAILROOM_RELAY), so every remote delivery lands here; the queue reader
// looks at queue_recipients in the SQLite file, read-only, for anything addressed to a remote domain.
import path from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';

export interface CaughtMessage {
  from: string;
  to: string[];
  content: string;
}

export class RelayCatcher {
  readonly messages: CaughtMessage[] = [];
  private server: SMTPServer | null = null;
  port = 0;

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            content: Buffer.concat(chunks).toString('utf8'),
          });
          cb();
        });
      },
    });
    // A sender that goes away mid-session makes smtp-server emit 'error'; unheard it would end the test process.
    this.server.on('error', () => undefined);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface QueuedRecipientRow {
  message_id: string;
  address: string;
  destination: 'local' | 'remote';
  domain: string;
  state: string;
}

/** Every recipient row in the delivery queue (delivered local ones may already be gone). */
export function queueRecipients(dataDir: string): QueuedRecipientRow[] {
  const db = new Database(path.join(dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT message_id, address, destination, domain, state FROM queue_recipients ORDER BY id').all() as QueuedRecipientRow[];
  } finally {
    db.close();
  }
}
