// Row shapes and the writes both halves of the PostgreSQL queue (delivery and admin) share. Everything
// here runs on the caller's transaction connection.
//
// The per-message summary (queue_messages.in_flight, deferred, attempts, next_attempt_at) is refreshed
// by refreshSummary in every transaction that changes a recipient's state, attempts or next attempt:
// explicit calls rather than triggers, so what a statement costs is visible where it is written.
import type { NewMessage, QueueRecipient } from '../types.ts';
import { domainOf } from '../../util/address.ts';
import { prepared, type Queryable } from './pool.ts';

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

export const RECIPIENT_COLUMNS = 'id, message_id, address, destination, domain, account_id, state, attempts, next_attempt_at, last_attempt_at, last_error, folder';

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

/** Separates the queue id, the sender and the recipients in queue_messages.search. */
export const FIELD_SEPARATOR = '\u0001';

/** Inserts the message, its content and its recipients (all queued and due at `now`), summary included. */
export async function insertMessage(db: Queryable, message: NewMessage, now: number): Promise<void> {
  const search = [message.id, message.sender, ...message.recipients.map((r) => r.address)].join(FIELD_SEPARATOR);
  await db.query(
    prepared(
      'queue-insert-message',
      `INSERT INTO queue_messages (id, sender, size, created_at, source, client_address, auth_user, next_attempt_at, search)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [message.id, message.sender, message.content.length, now, message.source, message.clientAddress ?? null, message.authUser ?? null, message.recipients.length > 0 ? now : null, search],
    ),
  );
  await db.query(prepared('queue-insert-content', 'INSERT INTO queue_content (message_id, content) VALUES ($1, $2)', [message.id, message.content]));
  const rs = message.recipients;
  await db.query(
    prepared(
      'queue-insert-recipients',
      `INSERT INTO queue_recipients (message_id, address, destination, domain, account_id, state, next_attempt_at, folder)
       SELECT $1, t.address, t.destination, t.domain, t.account_id, 'queued', $2, t.folder
       FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY AS t(address, destination, domain, account_id, folder, n) ORDER BY t.n`,
      [message.id, now, rs.map((r) => r.address), rs.map((r) => r.destination), rs.map((r) => domainOf(r.address)), rs.map((r) => r.accountId ?? null), rs.map((r) => r.folder ?? null)],
    ),
  );
}

/** Recounts the summary of the given messages from their recipients. */
export async function refreshSummary(db: Queryable, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await db.query(
    `UPDATE queue_messages m SET (in_flight, deferred, attempts, next_attempt_at) = (
       SELECT COUNT(*) FILTER (WHERE r.state = 'in_flight'), COUNT(*) FILTER (WHERE r.state = 'deferred'), COALESCE(MAX(r.attempts), 0),
              MIN(r.next_attempt_at) FILTER (WHERE r.state IN ('queued', 'deferred'))
       FROM queue_recipients r WHERE r.message_id = m.id)
     WHERE m.id = ANY($1::text[])`,
    [[...new Set(messageIds)]],
  );
}

/** Deletes the message (content and recipients cascade) once no recipient is pending; else refreshes its summary. */
export async function dropIfFinished(db: Queryable, messageId: string): Promise<void> {
  const { rowCount } = await db.query(`DELETE FROM queue_messages m WHERE m.id = $1 AND NOT EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state IN ${PENDING})`, [
    messageId,
  ]);
  if (rowCount === 0) await refreshSummary(db, [messageId]);
}
