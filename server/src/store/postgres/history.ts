// The message history in PostgreSQL (history-store.ts says what it is). The writes run inside the
// queue's transactions, batched (one statement for many messages or attempts, as the accept path needs);
// the reads and the pruning are the store's.
import {
  likePattern,
  MAX_HISTORY_ATTEMPTS_PER_MESSAGE,
  RECIPIENT_SEPARATOR,
  type AttemptDetail,
  type HistoryAttempt,
  type HistorySearch,
  type HistorySummary,
  type MessageHistory,
  type MessageHistoryStore,
} from '../history-store.ts';
import type { NewMessage } from '../types.ts';
import type pg from 'pg';
import { prepared, type Queryable } from './pool.ts';

export interface Acceptance {
  message: NewMessage;
  now: number;
  /** Recipients filed at once (a delivered attempt each). */
  filed: readonly string[];
}

export interface NewAttempt extends AttemptDetail {
  recipient: string;
  result: HistoryAttempt['result'];
  at: number;
}

/**
 * Acceptance rows for many messages and their filed recipients' attempts, two statements whatever the
 * number of messages (the accept path writes up to 256 at once: one statement a message would be most of
 * a batch's round trips). A message whose row already exists (the same id accepted again) has its
 * attempts added as later attempts are.
 */
export async function recordAcceptances(db: Queryable, list: readonly Acceptance[]): Promise<void> {
  if (list.length === 0) return;
  const col = <T>(f: (a: Acceptance) => T) => list.map(f);
  const inserted = await db.query<{ id: string }>(
    prepared(
      'history-accept',
      `INSERT INTO message_history (id, message_id_header, sender, recipients, size, source, node, client_address, tls, scan, accepted_at, finished_at, attempts)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::bigint[], $13::int[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        col((a) => a.message.id),
        col((a) => a.message.trace?.messageIdHeader ?? null),
        col((a) => a.message.sender),
        col((a) => a.message.recipients.map((r) => r.address.toLowerCase()).join(RECIPIENT_SEPARATOR)),
        col((a) => a.message.content.length),
        col((a) => a.message.source),
        col((a) => a.message.trace?.node ?? null),
        col((a) => a.message.clientAddress ?? null),
        col((a) => a.message.trace?.tls ?? null),
        col((a) => a.message.trace?.scan ?? null),
        col((a) => a.now),
        col((a) => (a.filed.length >= a.message.recipients.length ? a.now : null)),
        col((a) => a.filed.length),
      ],
    ),
  );
  const fresh = new Set(inserted.rows.map((r) => r.id));
  const attempts: Array<{ messageId: string; attempt: NewAttempt }> = [];
  for (const a of list) {
    if (a.filed.length === 0) continue;
    const filed = a.filed.map((recipient): NewAttempt => ({ recipient, result: 'delivered', at: a.now, mxHost: 'local', replyText: FILED_AT_ACCEPTANCE, durationMs: 0 }));
    // A fresh row already counts them: keep the first ones the bound allows.
    if (fresh.has(a.message.id)) for (const attempt of filed.slice(0, MAX_HISTORY_ATTEMPTS_PER_MESSAGE)) attempts.push({ messageId: a.message.id, attempt });
    else await recordAttempts(db, a.message.id, filed);
  }
  if (attempts.length === 0) return;
  const col2 = <T>(f: (a: NewAttempt) => T) => attempts.map((x) => f(x.attempt));
  await db.query(
    prepared(
      'history-accept-attempts',
      `INSERT INTO message_history_attempts (message_id, recipient, at, result, mx_host, reply_text, duration_ms)
       SELECT t.message_id, t.recipient, t.at, t.result, t.mx_host, t.reply_text, t.duration_ms
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[]) WITH ORDINALITY
         AS t(message_id, recipient, at, result, mx_host, reply_text, duration_ms, n) ORDER BY t.n`,
      [
        attempts.map((x) => x.messageId),
        col2((a) => a.recipient),
        col2((a) => a.at),
        col2((a) => a.result),
        col2((a) => a.mxHost ?? null),
        col2((a) => a.replyText ?? null),
        col2((a) => a.durationMs ?? null),
      ],
    ),
  );
}

const FILED_AT_ACCEPTANCE = 'filed into the mailbox at acceptance';

/** A message's attempts; beyond the bound only counted. A message with no history row records nothing. */
export async function recordAttempts(db: Queryable, messageId: string, attempts: readonly NewAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const counted = (await db.query<{ attempts: number }>('UPDATE message_history SET attempts = attempts + $2 WHERE id = $1 RETURNING attempts', [messageId, attempts.length])).rows[0];
  if (!counted) return;
  const room = MAX_HISTORY_ATTEMPTS_PER_MESSAGE - (counted.attempts - attempts.length);
  const kept = attempts.slice(0, Math.max(0, room));
  if (kept.length === 0) return;
  const col = <T>(f: (a: NewAttempt) => T) => kept.map(f);
  await db.query(
    `INSERT INTO message_history_attempts (message_id, recipient, at, result, mx_host, mx_ip, tls, reply_code, reply_text, duration_ms)
     SELECT $1, t.recipient, t.at, t.result, t.mx_host, t.mx_ip, t.tls, t.reply_code, t.reply_text, t.duration_ms
     FROM unnest($2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::bigint[]) WITH ORDINALITY
       AS t(recipient, at, result, mx_host, mx_ip, tls, reply_code, reply_text, duration_ms, n) ORDER BY t.n`,
    [
      messageId,
      col((a) => a.recipient),
      col((a) => a.at),
      col((a) => a.result),
      col((a) => a.mxHost ?? null),
      col((a) => a.mxIp ?? null),
      col((a) => a.tls ?? null),
      col((a) => a.replyCode ?? null),
      col((a) => a.replyText ?? null),
      col((a) => (a.durationMs === undefined ? null : Math.round(a.durationMs))),
    ],
  );
}

interface HistoryRow {
  id: string;
  message_id_header: string | null;
  sender: string;
  recipients: string;
  size: number;
  source: string;
  node: string | null;
  client_address: string | null;
  tls: string | null;
  scan: string | null;
  accepted_at: number;
  finished_at: number | null;
  attempts: number;
}

interface AttemptRow {
  recipient: string;
  at: number;
  result: HistoryAttempt['result'];
  mx_host: string | null;
  mx_ip: string | null;
  tls: string | null;
  reply_code: number | null;
  reply_text: string | null;
  duration_ms: number | null;
}

const toSummary = (r: HistoryRow): HistorySummary => ({
  id: r.id,
  messageIdHeader: r.message_id_header,
  sender: r.sender,
  recipients: r.recipients === '' ? [] : r.recipients.split(RECIPIENT_SEPARATOR),
  size: r.size,
  source: r.source,
  acceptedAt: r.accepted_at,
  finishedAt: r.finished_at,
});

const toAttempt = (r: AttemptRow): HistoryAttempt => ({
  recipient: r.recipient,
  at: r.at,
  result: r.result,
  mxHost: r.mx_host ?? undefined,
  mxIp: r.mx_ip ?? undefined,
  tls: r.tls ?? undefined,
  replyCode: r.reply_code ?? undefined,
  replyText: r.reply_text ?? undefined,
  durationMs: r.duration_ms ?? undefined,
});

export class PgHistory implements MessageHistoryStore {
  constructor(private readonly pool: pg.Pool) {}

  async searchHistory(request: HistorySearch): Promise<{ total: number; items: HistorySummary[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (request.search) {
      params.push(likePattern(request.search));
      const p = `$${params.length}`;
      where.push(`(lower(id) LIKE ${p} OR lower(sender) LIKE ${p} OR recipients LIKE ${p} OR lower(message_id_header) LIKE ${p})`);
    }
    if (request.from !== undefined) {
      params.push(request.from);
      where.push(`accepted_at >= $${params.length}`);
    }
    if (request.to !== undefined) {
      params.push(request.to);
      where.push(`accepted_at < $${params.length}`);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM message_history ${clause}`, params)).rows[0]!.n;
    const { rows } = await this.pool.query<HistoryRow>(`SELECT * FROM message_history ${clause} ORDER BY accepted_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      request.limit,
      request.offset,
    ]);
    return { total, items: rows.map(toSummary) };
  }

  async getHistory(id: string): Promise<MessageHistory | null> {
    const row = (await this.pool.query<HistoryRow>('SELECT * FROM message_history WHERE id = $1', [id])).rows[0];
    if (!row) return null;
    const attempts = (await this.pool.query<AttemptRow>('SELECT * FROM message_history_attempts WHERE message_id = $1 ORDER BY id', [id])).rows;
    return {
      ...toSummary(row),
      node: row.node,
      clientAddress: row.client_address,
      tls: row.tls,
      scan: row.scan,
      attempts: attempts.map(toAttempt),
      omittedAttempts: Math.max(0, row.attempts - attempts.length),
    };
  }

  async pruneHistory(finishedBefore: number): Promise<number> {
    return (await this.pool.query('DELETE FROM message_history WHERE finished_at IS NOT NULL AND finished_at < $1', [finishedBefore])).rowCount ?? 0;
  }
}
