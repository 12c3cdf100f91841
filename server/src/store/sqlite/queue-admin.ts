// The delivery queue in SQLite as the admin API sees it: a listing with message-level state derived
// from the recipients (kept per message by triggers: migrations-queue-index.ts), and the operator's
// actions (send now, hold, bounce, remove).
import type { QueueAdminStore, QueuePage } from '../store.ts';
import type { NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, QueueSort, QueueState } from '../types.ts';
import { hasTrigram, QUEUE_SEARCH_COUNT_MAX } from '../queue-search.ts';
import { MIGRATIONS } from './migrations.ts';
import { likePattern, searchQueueIndex } from './queue-search.ts';
import { QUEUE_INDEX_MIGRATION } from './migrations-queue-index.ts';
import { stmt, type Db } from './open.ts';
import { dropIfFinished, insertMessage, toRecipient, type RecipientRow } from './queue-rows.ts';
import { recordAcceptance, recordAttempt } from './history.ts';

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

/**
 * Message-level columns, shared by list and get: state, attempts and the next attempt come from the
 * summary row the triggers keep (migrations-queue-index.ts); the last error is read for the rows shown.
 */
const MESSAGE_COLUMNS = `
  m.id, m.sender, m.size, m.created_at, m.source, m.held, s.state, s.attempts, s.next_attempt_at,
  (SELECT r.last_error FROM queue_recipients r WHERE r.message_id = m.id AND r.last_error IS NOT NULL ORDER BY r.last_attempt_at DESC LIMIT 1) AS last_error`;

// Every sort walks an index of queue_message_summary and stops when the page is full: creation order
// with or without a state (queue_summary_created, queue_summary_state_created), the others without
// (migration step 6, also one per state). The indexes on
// next_attempt_at and attempts are rewritten on every delivery attempt: "Queue API" in BENCHMARKS.md
// has what that costs the delivery path. Exported for the plan test (queue-listing-plan.test.ts).
export const SORTS: Readonly<Record<QueueSort, string>> = {
  created: 's.created_at ASC, s.message_id ASC',
  '-created': 's.created_at DESC, s.message_id DESC',
  next_attempt: 's.next_attempt_at ASC, s.message_id ASC',
  '-next_attempt': 's.next_attempt_at DESC, s.message_id DESC',
  size: 's.size ASC, s.message_id ASC',
  '-size': 's.size DESC, s.message_id DESC',
  attempts: 's.attempts ASC, s.message_id ASC',
  '-attempts': 's.attempts DESC, s.message_id DESC',
};

/** Separates the queue id, the sender and the recipients in queue_message_summary.search. */
const FIELD_SEPARATOR = '\u0001';

/**
 * Until QUEUE_INDEX_MIGRATION is appended to MIGRATIONS, the admin store applies it itself when it
 * opens, once (the SQL is idempotent, so the later migration step is harmless on such a database).
 */
export function ensureQueueIndexSchema(db: Db): void {
  if (MIGRATIONS.includes(QUEUE_INDEX_MIGRATION)) return;
  if (db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND name = 'queue_summary_recipient_delete'`).get()) return;
  db.transaction(() => db.exec(QUEUE_INDEX_MIGRATION)).immediate();
}

export class SqliteQueueAdmin implements QueueAdminStore {
  /** @param sortMatchesMax see QUEUE_SEARCH_COUNT_MAX (tests lower it to reach both ways of a search). */
  constructor(
    private readonly db: Db,
    private readonly sortMatchesMax: number = QUEUE_SEARCH_COUNT_MAX,
  ) {
    ensureQueueIndexSchema(db);
  }

  async listQueue(req: QueueListRequest, _now: number): Promise<QueuePage> {
    const sort = SORTS[req.sort ?? 'created'];
    const columnsOf = (pageIds: string, params: unknown[]) =>
      // CROSS JOIN keeps the page's ids as the outer loop: without statistics the planner may otherwise
      // walk the whole summary to avoid sorting the 50 rows.
      stmt(
        this.db,
        `SELECT ${MESSAGE_COLUMNS} FROM (${pageIds}) page
         CROSS JOIN queue_message_summary s ON s.message_id = page.message_id CROSS JOIN queue_messages m ON m.id = page.message_id
         ORDER BY ${sort}`,
      ).all(...params, req.limit, req.offset) as MessageRow[];
    const page = (total: number, rows: () => MessageRow[]) => ({ total, items: req.offset >= total ? [] : rows().map((r) => this.withRecipients(r)) });

    if (!req.search) {
      // The total is a row of queue_state_counts. The page's ids come from the sort's index of the
      // summary alone, with the state in front when there is one (a deep offset skips index entries,
      // not joined rows).
      const counts = stmt(this.db, 'SELECT state, messages FROM queue_state_counts').all() as { state: QueueState; messages: number }[];
      const all = counts.reduce((n, c) => n + c.messages, 0);
      const total = req.state ? (counts.find((c) => c.state === req.state)?.messages ?? 0) : all;
      const { where, params } = filterSql(req, 'index');
      return page(total, () => columnsOf(`SELECT s.message_id FROM queue_message_summary s WHERE ${where} ORDER BY ${sort} LIMIT ? OFFSET ?`, params));
    }
    // A search collects the matching messages, up to one past QUEUE_SEARCH_COUNT_MAX: from the trigram index
    // (migrations-queue-search.ts) when it has three characters or more, else by reading the summary rows
    // in table order. Up to QUEUE_SEARCH_COUNT_MAX matches are sorted and the total is exact; with more, the
    // total says "at least" (counting a million matches would read a million rows) and the page walks
    // the sort's index, testing each row, which ends as soon as the page is full.
    const matches = this.searchMatches(req.search, req.state, this.sortMatchesMax + 1);
    if (matches.length <= this.sortMatchesMax) {
      return page(matches.length, () =>
        columnsOf(`SELECT s.message_id FROM json_each(?) j CROSS JOIN queue_message_summary s ON s.message_id = j.value ORDER BY ${sort} LIMIT ? OFFSET ?`, [JSON.stringify(matches)]),
      );
    }
    const { where, params } = filterSql(req);
    const items = columnsOf(`SELECT s.message_id FROM queue_message_summary s WHERE ${where} ORDER BY ${sort} LIMIT ? OFFSET ?`, params).map((r) => this.withRecipients(r));
    return { total: this.sortMatchesMax, totalExact: false, items };
  }

  /** Ids of messages matching a search (and a state), at most `max`, in no particular order. */
  private searchMatches(search: string, state: QueueState | undefined, max: number): string[] {
    if (search.includes(FIELD_SEPARATOR)) return [];
    if (hasTrigram(search)) return searchQueueIndex(this.db, search, state, max);
    const scan = filterSql({ search, state }, 'scan');
    return stmt(this.db, `SELECT s.message_id FROM queue_message_summary s WHERE ${scan.where} LIMIT ?`)
      .pluck()
      .all(...scan.params, max) as string[];
  }

  /**
   * Messages per state and the oldest message's creation time, for the queue gauges: a handful of
   * rows whatever the queue holds. (Not yet in QueueAdminStore; metric-sources.ts lists the queue
   * five times per scrape instead.)
   */
  async queueCounts(): Promise<{ byState: Record<QueueState, number>; oldestCreatedAt: number | null }> {
    const byState: Record<QueueState, number> = { queued: 0, deferred: 0, held: 0, in_flight: 0 };
    for (const row of stmt(this.db, 'SELECT state, messages FROM queue_state_counts').all() as { state: QueueState; messages: number }[]) byState[row.state] = row.messages;
    const oldest = stmt(this.db, 'SELECT MIN(created_at) FROM queue_message_summary').pluck().get() as number | null;
    return { byState, oldestCreatedAt: oldest };
  }

  async getQueueMessage(id: string): Promise<QueueMessage | null> {
    const row = stmt(this.db, `SELECT ${MESSAGE_COLUMNS} FROM queue_messages m JOIN queue_message_summary s ON s.message_id = m.id WHERE m.id = ?`).get(id) as MessageRow | undefined;
    return row ? this.withRecipients(row) : null;
  }

  async readContent(id: string): Promise<Buffer | null> {
    return (stmt(this.db, 'SELECT content FROM queue_content WHERE message_id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }

  async sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number> {
    return this.db
      .transaction(() => {
        const ids = this.matchingIds(filter);
        const update = stmt(this.db, `UPDATE queue_recipients SET next_attempt_at = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`);
        let changed = 0;
        for (const id of ids) if (update.run(now, id).changes > 0) changed++;
        return changed;
      })
      .immediate();
  }

  async setHeld(id: string, held: boolean): Promise<boolean> {
    return stmt(this.db, 'UPDATE queue_messages SET held = ? WHERE id = ?').run(held ? 1 : 0, id).changes > 0;
  }

  async failMessage(id: string, error: string, notice?: (failed: QueueRecipient[]) => NewMessage | null): Promise<QueueRecipient[]> {
    return this.db
      .transaction(() => {
        const rows = stmt(this.db, `SELECT * FROM queue_recipients WHERE message_id = ? AND state IN ('queued', 'deferred') ORDER BY id`).all(id) as RecipientRow[];
        stmt(this.db, `UPDATE queue_recipients SET state = 'bounced', last_error = ? WHERE message_id = ? AND state IN ('queued', 'deferred')`).run(error, id);
        const failed = rows.map((r) => toRecipient({ ...r, state: 'bounced', last_error: error }));
        const now = Date.now();
        for (const r of failed) recordAttempt(this.db, id, r.address, 'bounced', now, { replyText: error });
        const dsn = failed.length > 0 && notice ? notice(failed) : null;
        if (dsn) {
          recordAcceptance(this.db, dsn, now, []);
          insertMessage(this.db, dsn, now);
        }
        dropIfFinished(this.db, id);
        return failed;
      })
      .immediate();
  }

  async removeMessages(filter: QueueFilter & { id?: string }): Promise<number> {
    // One statement (the matching ids are collected before the first row goes): running the triggers
    // of a statement per message would cost four times as much. Its change count is the messages only.
    if (filter.id !== undefined) return stmt(this.db, 'DELETE FROM queue_messages WHERE id = ?').run(filter.id).changes;
    if (!filter.search && !filter.state) {
      // Everything: the search index is emptied at once and its per-recipient deletes skipped
      // (migrations-queue-search.ts).
      return this.db
        .transaction(() => {
          stmt(this.db, `INSERT INTO queue_search (queue_search) VALUES ('delete-all')`).run();
          stmt(this.db, 'INSERT INTO queue_search_cleared (cleared) VALUES (1)').run();
          const removed = stmt(this.db, 'DELETE FROM queue_messages').run().changes;
          stmt(this.db, 'DELETE FROM queue_search_cleared').run();
          return removed;
        })
        .immediate();
    }
    const { where, params } = filterSql(filter);
    return this.db.transaction(() => stmt(this.db, `DELETE FROM queue_messages WHERE id IN (SELECT s.message_id FROM queue_message_summary s WHERE ${where})`).run(...params).changes).immediate();
  }

  private matchingIds(filter: QueueFilter & { id?: string }): string[] {
    if (filter.id !== undefined) return stmt(this.db, 'SELECT id FROM queue_messages WHERE id = ?').pluck().all(filter.id) as string[];
    const { where, params } = filterSql(filter);
    return stmt(this.db, `SELECT s.message_id FROM queue_message_summary s WHERE ${where}`)
      .pluck()
      .all(...params) as string[];
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

/**
 * The filter over queue_message_summary (s); 'scan' keeps the state test off its index. A search is a
 * case-insensitive (ASCII) substring of the queue id, the sender or a recipient address, as LIKE finds
 * it in the summary's search column. A search that contains the separator could match across two
 * fields there; only then is each field tested on its own.
 */
function filterSql(filter: QueueFilter, plan: 'index' | 'scan' = 'index'): { where: string; params: unknown[] } {
  const clauses = ['1 = 1'];
  const params: unknown[] = [];
  if (filter.search) {
    const like = likePattern(filter.search);
    clauses.push(`s.search LIKE ? ESCAPE '\\'`);
    params.push(like);
    if (filter.search.includes(FIELD_SEPARATOR)) {
      clauses.push(
        `EXISTS (SELECT 1 FROM queue_messages m WHERE m.id = s.message_id AND (m.id LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address LIKE ? ESCAPE '\\')))`,
      );
      params.push(like, like, like);
    }
  }
  if (filter.state) {
    clauses.push(plan === 'index' ? 's.state = ?' : '+s.state = ?');
    params.push(filter.state);
  }
  return { where: clauses.join(' AND '), params };
}
