// Row shapes and the few writes that both halves of the SQLite queue (delivery and admin) share.
// Everything here runs inside a caller's transaction.
import type { NewMessage, QueueRecipient } from '../types.ts';
import { domainOf } from '../../util/address.ts';
import { stmt, type Db } from './open.ts';

export interface RecipientRow {
  id: number;
  message_id: string;
  address: string;
  destination: 'local' | 'remote';
  domain: string;
  account_id: number | null;
  state: QueueRecipient['state'];
  attempts: number;
  next_attempt_at: number;
  last_attempt_at: number | null;
  last_error: string | null;
  folder: string | null;
}

export const toRecipient = (r: RecipientRow): QueueRecipient => ({
  id: r.id,
  messageId: r.message_id,
  address: r.address,
  destination: r.destination,
  domain: r.domain,
  accountId: r.account_id,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastAttemptAt: r.last_attempt_at,
  lastError: r.last_error,
});

/** Recipient states that still need work; a message with none of them is finished. */
export const PENDING = `('queued', 'in_flight', 'deferred')`;

export function insertMessage(db: Db, message: NewMessage, now: number): void {
  stmt(db, 'INSERT INTO queue_messages (id, sender, size, created_at, source, client_address, auth_user) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    message.id,
    message.sender,
    message.content.length,
    now,
    message.source,
    message.clientAddress ?? null,
    message.authUser ?? null,
  );
  stmt(db, 'INSERT INTO queue_content (message_id, content) VALUES (?, ?)').run(message.id, message.content);
  const insert = stmt(db, `INSERT INTO queue_recipients (message_id, address, destination, domain, account_id, state, next_attempt_at, folder) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)`);
  for (const r of message.recipients) insert.run(message.id, r.address, r.destination, domainOf(r.address), r.accountId ?? null, now, r.folder ?? null);
}

/** Deletes the message (content and recipients cascade) once no recipient is pending. */
export function dropIfFinished(db: Db, messageId: string): void {
  const pending = stmt(db, `SELECT 1 FROM queue_recipients WHERE message_id = ? AND state IN ${PENDING} LIMIT 1`).get(messageId);
  if (!pending) stmt(db, 'DELETE FROM queue_messages WHERE id = ?').run(messageId);
}
