// The delivery queue in PostgreSQL as the admin API sees it: a listing from the per-message summary
// columns of queue_messages (queue-rows.ts keeps them), and the operator's actions. Actions guard on the
// state they expect, so they are safe against another node's claims: a recipient in flight elsewhere is
// neither made due nor bounced, and removing its message makes that node's outcome a lost lease.
import type pg from 'pg';
import type { QueueAdminStore } from '../store.ts';
import type { NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, QueueSort, QueueState } from '../types.ts';
import type { Queryable } from './pool.ts';
import { transaction } from './pool.ts';
import { announce } from './change-feed.ts';
import { dropIfFinished, FIELD_SEPARATOR, insertMessage, RECIPIENT_COLUMNS, refreshSummary, toRecipient, type RecipientRow } from './queue-rows.ts';
import { recordAcceptances, recordAttempts } from './history.ts';

interface MessageRow {
  id: string;
  sender: string;
  size: number;
  created_at: number;
  source: QueueMessage['source'];
  held: boolean;
  state: QueueState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
}

/** The last error is read only for the rows shown. */
const MESSAGE_COLUMNS = `
  m.id, m.sender, m.size, m.created_at, m.source, m.held, m.state, m.attempts, m.next_attempt_at,
  (SELECT r.last_error FROM queue_recipients r WHERE r.message_id = m.id AND r.last_error IS NOT NULL ORDER BY r.last_attempt_at DESC NULLS LAST LIMIT 1) AS last_error`;

// Creation order walks queue_messages_created (or _state_created); the other sorts read the matching
// rows and keep the top of the page. NULLS: a message with nothing pending sorts as SQLite puts NULL
// (first ascending, last descending).
const SORTS: Record<QueueSort, string> = {
  created: 'm.created_at ASC, m.id ASC',
  '-created': 'm.created_at DESC, m.id DESC',
  next_attempt: 'm.next_attempt_at ASC NULLS FIRST, m.id ASC',
  '-next_attempt': 'm.next_attempt_at DESC NULLS LAST, m.id DESC',
  size: 'm.size ASC, m.id ASC',
  '-size': 'm.size DESC, m.id DESC',
  attempts: 'm.attempts ASC, m.id ASC',
  '-attempts': 'm.attempts DESC, m.id DESC',
};

export class PgQueueAdmin implements QueueAdminStore {
  constructor(private readonly pool: pg.Pool) {}

  async listQueue(req: QueueListRequest, _now: number): Promise<{ total: number; items: QueueMessage[] }> {
    const { where, params } = filterSql(req);
    const total = (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM queue_messages m WHERE ${where}`, params)).rows[0]!.n;
    if (req.offset >= total) return { total, items: [] };
    const n = params.length;
    const { rows } = await this.pool.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE ${where} ORDER BY ${SORTS[req.sort ?? 'created']} LIMIT $${n + 1} OFFSET $${n + 2}`, [
      ...params,
      req.limit,
      req.offset,
    ]);
    return { total, items: await this.withRecipients(this.pool, rows) };
  }

  /** Messages per state and the oldest message's creation time, for the queue gauges (as the SQLite store offers). */
  async queueCounts(): Promise<{ byState: Record<QueueState, number>; oldestCreatedAt: number | null }> {
    const byState: Record<QueueState, number> = { queued: 0, deferred: 0, held: 0, in_flight: 0 };
    for (const row of (await this.pool.query<{ state: QueueState; n: number }>('SELECT state, COUNT(*) AS n FROM queue_messages GROUP BY state')).rows) byState[row.state] = row.n;
    const oldest = (await this.pool.query<{ oldest: number | null }>('SELECT MIN(created_at) AS oldest FROM queue_messages')).rows[0]!.oldest;
    return { byState, oldestCreatedAt: oldest };
  }

  async getQueueMessage(id: string): Promise<QueueMessage | null> {
    const { rows } = await this.pool.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE m.id = $1`, [id]);
    return (await this.withRecipients(this.pool, rows))[0] ?? null;
  }

  async readContent(id: string): Promise<Buffer | null> {
    return (await this.pool.query<{ content: Buffer }>('SELECT content FROM queue_content WHERE message_id = $1', [id])).rows[0]?.content ?? null;
  }

  async sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number> {
    return transaction(this.pool, async (c) => {
      const { where, params } = filter.id !== undefined ? { where: 'm.id = $1', params: [filter.id] as unknown[] } : filterSql(filter);
      const { rows } = await c.query<{ message_id: string }>(
        `UPDATE queue_recipients r SET next_attempt_at = $${params.length + 1}
         WHERE r.state IN ('queued', 'deferred') AND r.message_id IN (SELECT m.id FROM queue_messages m WHERE ${where}) RETURNING r.message_id`,
        [...params, now],
      );
      const changed = [...new Set(rows.map((r) => r.message_id))];
      await refreshSummary(c, changed);
      // The answering node wakes its own workers; the announcement wakes the others' too.
      if (changed.length > 0) await announce(c, 'queue');
      return changed.length;
    });
  }

  async setHeld(id: string, held: boolean): Promise<boolean> {
    if (held) return ((await this.pool.query('UPDATE queue_messages SET held = $1 WHERE id = $2', [held, id])).rowCount ?? 0) > 0;
    return transaction(this.pool, async (c) => {
      const released = ((await c.query('UPDATE queue_messages SET held = false WHERE id = $1', [id])).rowCount ?? 0) > 0;
      if (released) await announce(c, 'queue');
      return released;
    });
  }

  async failMessage(id: string, error: string, notice?: (failed: QueueRecipient[]) => NewMessage | null): Promise<QueueRecipient[]> {
    return transaction(this.pool, async (c) => {
      const { rows } = await c.query<RecipientRow>(
        `UPDATE queue_recipients SET state = 'bounced', last_error = $1 WHERE message_id = $2 AND state IN ('queued', 'deferred') RETURNING ${RECIPIENT_COLUMNS}`,
        [error, id],
      );
      const failed = rows.sort((a, b) => a.id - b.id).map(toRecipient);
      const now = Date.now();
      await recordAttempts(
        c,
        id,
        failed.map((r) => ({ recipient: r.address, result: 'bounced' as const, at: now, replyText: error })),
      );
      const dsn = failed.length > 0 && notice ? notice(failed) : null;
      if (dsn) {
        await recordAcceptances(c, [{ message: dsn, now, filed: [] }]);
        await insertMessage(c, dsn, now);
      }
      await dropIfFinished(c, id);
      return failed;
    });
  }

  async removeMessages(filter: QueueFilter & { id?: string }): Promise<number> {
    // Recipients and content cascade; recipients in flight finish their attempt, whose outcome is then ignored.
    if (filter.id !== undefined) return (await this.pool.query('DELETE FROM queue_messages WHERE id = $1', [filter.id])).rowCount ?? 0;
    const { where, params } = filterSql(filter);
    return (await this.pool.query(`DELETE FROM queue_messages m WHERE ${where}`, params)).rowCount ?? 0;
  }

  private async withRecipients(db: Queryable, rows: MessageRow[]): Promise<QueueMessage[]> {
    if (rows.length === 0) return [];
    const recipients = await db.query<RecipientRow>(`SELECT ${RECIPIENT_COLUMNS} FROM queue_recipients WHERE message_id = ANY($1::text[]) ORDER BY id`, [rows.map((r) => r.id)]);
    const byMessage = new Map<string, QueueRecipient[]>();
    for (const r of recipients.rows) {
      const list = byMessage.get(r.message_id) ?? [];
      list.push(toRecipient(r));
      byMessage.set(r.message_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      sender: row.sender,
      size: row.size,
      createdAt: row.created_at,
      source: row.source,
      held: row.held,
      state: row.state,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      recipients: byMessage.get(row.id) ?? [],
    }));
  }
}

/**
 * The filter over queue_messages (m). A search is a case-insensitive substring of the queue id, the
 * sender or a recipient address, as ILIKE finds it in the search column; a search that contains the
 * separator could match across two fields there, so only then is each field tested on its own.
 */
function filterSql(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses = ['TRUE'];
  const params: unknown[] = [];
  if (filter.search) {
    params.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    clauses.push(`m.search ILIKE ${p}`);
    if (filter.search.includes(FIELD_SEPARATOR)) {
      clauses.push(`(m.id ILIKE ${p} OR m.sender ILIKE ${p} OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address ILIKE ${p}))`);
    }
  }
  if (filter.state) {
    params.push(filter.state);
    clauses.push(`m.state = $${params.length}`);
  }
  return { where: clauses.join(' AND '), params };
}
