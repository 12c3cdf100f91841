// Reads the delivery queue straight from the SQLite file, read-only (WAL lets it read while the server
// writes), the way helpers/mailbox.ts reads delivered mail: what tests check until the admin API lands.
import path from 'node:path';
import Database from 'better-sqlite3';

export interface QueuedRecipient {
  id: number;
  address: string;
  state: 'queued' | 'in_flight' | 'deferred' | 'delivered' | 'bounced';
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
}

export interface QueuedMessage {
  id: string;
  sender: string;
  source: string;
  createdAt: number;
  held: boolean;
  content: string;
  recipients: QueuedRecipient[];
}

export function queueContents(dataDir: string): QueuedMessage[] {
  const db = new Database(path.join(dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
  try {
    const messages = db
      .prepare(
        `SELECT m.id, m.sender, m.source, m.created_at AS createdAt, m.held, c.content FROM queue_messages m
         JOIN queue_content c ON c.message_id = m.id ORDER BY m.created_at, m.id`,
      )
      .all() as Array<Omit<QueuedMessage, 'recipients' | 'held' | 'content'> & { held: number; content: Buffer }>;
    const recipients = db.prepare(
      `SELECT id, address, state, attempts, next_attempt_at AS nextAttemptAt, last_attempt_at AS lastAttemptAt, last_error AS lastError
       FROM queue_recipients WHERE message_id = ? ORDER BY id`,
    );
    return messages.map((m) => ({ ...m, held: m.held === 1, content: m.content.toString('utf8'), recipients: recipients.all(m.id) as QueuedRecipient[] }));
  } finally {
    db.close();
  }
}

export function queuedMessage(dataDir: string, id: string): QueuedMessage | undefined {
  return queueContents(dataDir).find((m) => m.id === id);
}
