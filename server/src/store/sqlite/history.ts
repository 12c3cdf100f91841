// The message history in SQLite (history-store.ts says what it is). The writes run inside the queue's
// transactions (accept-batch.ts, queue.ts, queue-admin.ts); the reads and the pruning are the store's.
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
import { stmt, type Db } from './open.ts';

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

/**
 * The acceptance row, and a delivered attempt for each recipient filed at once. A message whose every
 * recipient was filed never enters the queue: it is finished at acceptance.
 */
export function recordAcceptance(db: Db, message: NewMessage, now: number, filed: readonly string[]): void {
  const t = message.trace ?? {};
  const finished = filed.length >= message.recipients.length ? now : null;
  stmt(
    db,
    `INSERT OR IGNORE INTO message_history (id, message_id_header, sender, recipients, size, source, node, client_address, tls, scan, accepted_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    message.id,
    t.messageIdHeader ?? null,
    message.sender,
    message.recipients.map((r) => r.address.toLowerCase()).join(RECIPIENT_SEPARATOR),
    message.content.length,
    message.source,
    t.node ?? null,
    message.clientAddress ?? null,
    t.tls ?? null,
    t.scan ?? null,
    now,
    finished,
  );
  for (const address of filed) recordAttempt(db, message.id, address, 'delivered', now, { mxHost: 'local', replyText: 'filed into the mailbox at acceptance', durationMs: 0 });
}

/** One attempt; beyond the bound only counted. A message with no history row (accepted before it existed) records nothing. */
export function recordAttempt(db: Db, messageId: string, recipient: string, result: HistoryAttempt['result'], at: number, d: AttemptDetail): void {
  const kept = stmt(db, 'UPDATE message_history SET attempts = attempts + 1 WHERE id = ? RETURNING attempts').pluck().get(messageId) as number | undefined;
  if (kept === undefined || kept > MAX_HISTORY_ATTEMPTS_PER_MESSAGE) return;
  stmt(db, `INSERT INTO message_history_attempts (message_id, recipient, at, result, mx_host, mx_ip, tls, reply_code, reply_text, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    messageId,
    recipient,
    at,
    result,
    d.mxHost ?? null,
    d.mxIp ?? null,
    d.tls ?? null,
    d.replyCode ?? null,
    d.replyText ?? null,
    d.durationMs === undefined ? null : Math.round(d.durationMs),
  );
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

export class SqliteHistory implements MessageHistoryStore {
  constructor(private readonly db: Db) {}

  async searchHistory(request: HistorySearch): Promise<{ total: number; items: HistorySummary[] }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (request.search) {
      const p = likePattern(request.search);
      where.push(`(lower(id) LIKE ? ESCAPE '\\' OR lower(sender) LIKE ? ESCAPE '\\' OR recipients LIKE ? ESCAPE '\\' OR lower(message_id_header) LIKE ? ESCAPE '\\')`);
      params.push(p, p, p, p);
    }
    if (request.from !== undefined) {
      where.push('accepted_at >= ?');
      params.push(request.from);
    }
    if (request.to !== undefined) {
      where.push('accepted_at < ?');
      params.push(request.to);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = stmt(this.db, `SELECT COUNT(*) FROM message_history ${clause}`)
      .pluck()
      .get(...params) as number;
    const rows = stmt(this.db, `SELECT * FROM message_history ${clause} ORDER BY accepted_at DESC, id DESC LIMIT ? OFFSET ?`).all(...params, request.limit, request.offset) as HistoryRow[];
    return { total, items: rows.map(toSummary) };
  }

  async getHistory(id: string): Promise<MessageHistory | null> {
    const row = stmt(this.db, 'SELECT * FROM message_history WHERE id = ?').get(id) as HistoryRow | undefined;
    if (!row) return null;
    const attempts = stmt(this.db, 'SELECT * FROM message_history_attempts WHERE message_id = ? ORDER BY id').all(id) as AttemptRow[];
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
    return this.db.transaction(() => stmt(this.db, 'DELETE FROM message_history WHERE finished_at IS NOT NULL AND finished_at < ?').run(finishedBefore).changes).immediate();
  }
}
