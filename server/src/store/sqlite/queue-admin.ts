// The delivery queue in SQLite as the admin API sees it: a listing with message-level state derived
// from the recipients, and the operator's actions (send now, hold, bounce, remove).
import type { QueueAdminStore } from '../store.ts';
import type { NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, QueueSort, QueueState } from '../types.ts';
import { stmt, type Db } from './open.ts';
import { dropIfFinished, insertMessage, toRecipient, type RecipientRow } from './queue-rows.ts';

interface MessageRow {
  id: string;
  sender: string;
  size: number;
  created_at: number;
  source: QueueMessage['source'];
  held: number;
  state: QueueState;
  attempts: number;
  next_attempt_at: number | null;
  last_error: string | null;
}

/** Message-level columns derived from its pending recipients, shared by list and get. */
const MESSAGE_COLUMNS = `
  m.id, m.sender, m.size, m.created_at, m.source, m.held,
  CASE
    WHEN m.held = 1 THEN 'held'
    WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'in_flight') THEN 'in_flight'
    WHEN EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.state = 'deferred') THEN 'deferred'
    ELSE 'queued'
  END AS state,
  (SELECT MAX(r.attempts) FROM queue_recipients r WHERE r.message_id = m.id) AS attempts,
  (SELECT MIN(r.next_attempt_at) FROM queue_recipients r WHERE r.message_id = m.id AND r.state IN ('queued', 'deferred')) AS next_attempt_at,
  (SELECT r.last_error FROM queue_recipients r WHERE r.message_id = m.id AND r.last_error IS NOT NULL ORDER BY r.last_attempt_at DESC LIMIT 1) AS last_error`;

const SORTS: Record<QueueSort, string> = {
  created: 'm.created_at ASC, m.id ASC',
  '-created': 'm.created_at DESC, m.id DESC',
  next_attempt: 'next_attempt_at ASC, m.id ASC',
  '-next_attempt': 'next_attempt_at DESC, m.id DESC',
  size: 'm.size ASC, m.id ASC',
  '-size': 'm.size DESC, m.id DESC',
  attempts: 'attempts ASC, m.id ASC',
  '-attempts': 'attempts DESC, m.id DESC',
};

export class SqliteQueueAdmin implements QueueAdminStore {
  constructor(private readonly db: Db) {}

  async listQueue(req: QueueListRequest, _now: number): Promise<{ total: number; items: QueueMessage[] }> {
    const { where, params } = filterSql(req);
    const total = stmt(this.db, `SELECT COUNT(*) FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where}`).pluck().get(...params) as number;
    const rows = stmt(this.db, `SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where} ORDER BY ${SORTS[req.sort ?? 'created']} LIMIT ? OFFSET ?`)
      .all(...params, req.limit, req.offset) as MessageRow[];
    return { total, items: rows.map((r) => this.withRecipients(r)) };
  }

  async getQueueMessage(id: string): Promise<QueueMessage | null> {
    const row = stmt(this.db, `SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE m.id = ?`).get(id) as MessageRow | undefined;
    return row ? this.withRecipients(row) : null;
  }

  async readContent(id: string): Promise<Buffer | null> {
    return (stmt(this.db, 'SELECT content FROM queue_content WHERE message_id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }

  async sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number> {
    return this.db.transaction(() => {
      const ids = this.matchingIds(filter);
      const update = stmt(this.db, `UPDATE queue_recipients SET next_attempt_at = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`);
      let changed = 0;
      for (const id of ids) if (update.run(now, id).changes > 0) changed++;
      return changed;
    }).immediate();
  }

  async setHeld(id: string, held: boolean): Promise<boolean> {
    return stmt(this.db, 'UPDATE queue_messages SET held = ? WHERE id = ?').run(held ? 1 : 0, id).changes > 0;
  }

  async failMessage(id: string, error: string, notice?: (failed: QueueRecipient[]) => NewMessage | null): Promise<QueueRecipient[]> {
    return this.db.transaction(() => {
      const rows = stmt(this.db, `SELECT * FROM queue_recipients WHERE message_id = ? AND state IN ('queued', 'deferred') ORDER BY id`).all(id) as RecipientRow[];
      stmt(this.db, `UPDATE queue_recipients SET state = 'bounced', last_error = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`).run(error, id);
      const failed = rows.map((r) => toRecipient({ ...r, state: 'bounced', last_error: error }));
      const dsn = failed.length > 0 && notice ? notice(failed) : null;
      if (dsn) insertMessage(this.db, dsn, Date.now());
      dropIfFinished(this.db, id);
      return failed;
    }).immediate();
  }

  async removeMessages(filter: QueueFilter & { id?: string }): Promise<number> {
    return this.db.transaction(() => {
      const del = stmt(this.db, 'DELETE FROM queue_messages WHERE id = ?');
      let removed = 0;
      for (const id of this.matchingIds(filter)) removed += del.run(id).changes;
      return removed;
    }).immediate();
  }

  private matchingIds(filter: QueueFilter & { id?: string }): string[] {
    if (filter.id !== undefined) return stmt(this.db, 'SELECT id FROM queue_messages WHERE id = ?').pluck().all(filter.id) as string[];
    const { where, params } = filterSql(filter);
    return stmt(this.db, `SELECT id FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where}`).pluck().all(...params) as string[];
  }

  private withRecipients(row: MessageRow): QueueMessage {
    const recipients = (stmt(this.db, `SELECT * FROM queue_recipients WHERE message_id = ? ORDER BY id`).all(row.id) as RecipientRow[]).map(toRecipient);
    return {
      id: row.id,
      sender: row.sender,
      size: row.size,
      createdAt: row.created_at,
      source: row.source,
      held: row.held === 1,
      state: row.state,
      attempts: row.attempts ?? 0,
      nextAttemptAt: row.next_attempt_at,
      lastError: row.last_error,
      recipients,
    };
  }
}

function filterSql(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses = ['1 = 1'];
  const params: unknown[] = [];
  if (filter.state) {
    clauses.push('m.state = ?');
    params.push(filter.state);
  }
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(
      `(m.id LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address LIKE ? ESCAPE '\\'))`,
    );
    params.push(like, like, like);
  }
  return { where: clauses.join(' AND '), params };
}
