// The delivery queue in PostgreSQL as the admin API sees it: a listing from the per-message summary
// columns of queue_messages (queue-rows.ts keeps them), and the operator's actions. Actions guard on the
// state they expect, so they are safe against another node's claims: a recipient in flight elsewhere is
// neither made due nor bounced, and removing its message makes that node's outcome a lost lease.
import type pg from 'pg';
import { QUEUE_SEARCH_COUNT_MAX, rarestTrigramRun, searchWindow, trigramsOf } from '../queue-search.ts';
import type { QueueAdminStore, QueuePage } from '../store.ts';
import type { NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, QueueSort, QueueState } from '../types.ts';
import type { Queryable } from './pool.ts';
import { transaction } from './pool.ts';
import { announce } from './change-feed.ts';
import { readQueueCounts } from './queue-counts.ts';
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
  /** @param searchCountMax see QUEUE_SEARCH_COUNT_MAX (tests lower it to reach both ways of a search). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly searchCountMax: number = QUEUE_SEARCH_COUNT_MAX,
  ) {}

  private searchSample: { at: number; texts: string[] } | null = null;

  async listQueue(req: QueueListRequest, _now: number): Promise<QueuePage> {
    const sort = SORTS[req.sort ?? 'created'];
    // The page's ids come from the sort's index alone (covering: an index-only scan skips a deep offset
    // without reading the rows it skips); then its 50 rows are read, in a second query.
    const pageOf = async (where: string, params: unknown[], walkSortIndex = false) => {
      const n = params.length;
      const idsSql = `SELECT m.id FROM queue_messages m WHERE ${where} ORDER BY ${sort} LIMIT $${n + 1} OFFSET $${n + 2}`;
      const values = [...params, req.limit, req.offset];
      const ids = walkSortIndex
        ? // The planner cannot know that a broad search matches densely, and would read every row and sort
          // them (1.2 s at a million) rather than walk the sort's index and stop at the page: say so, for
          // this query only. Without parallel workers, whose start costs more than the walk (100 ms, 30 ms).
          await transaction(this.pool, async (c) => {
            await c.query('SET LOCAL enable_sort = off; SET LOCAL max_parallel_workers_per_gather = 0');
            return c.query<{ id: string }>(idsSql, values);
          })
        : await this.pool.query<{ id: string }>(idsSql, values);
      if (ids.rows.length === 0) return [];
      const { rows } = await this.pool.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE m.id = ANY($1::text[]) ORDER BY ${sort}`, [ids.rows.map((r) => r.id)]);
      return this.withRecipients(this.pool, rows);
    };
    if (!req.search) {
      const counts = await readQueueCounts(this.pool);
      const total = req.state ? counts[req.state] : Object.values(counts).reduce((a, b) => a + b, 0);
      const { where, params } = filterSql(req);
      return { total, items: req.offset >= total ? [] : await pageOf(where, params) };
    }
    // A search collects the matching messages, up to one past the count limit, from the trigram index
    // (migrations-queue-listing.ts). Up to the limit they are counted exactly and sorted; with more, the
    // total says "at least" and the page walks the sort's index, testing each row, until the page is full.
    const matches = await this.searchMatches(req.search, req.state, this.searchCountMax + 1);
    if (matches.length <= this.searchCountMax) {
      return { total: matches.length, items: req.offset >= matches.length ? [] : await pageOf('m.id = ANY($1::text[])', [matches]) };
    }
    const { where, params } = filterSql(req);
    return { total: this.searchCountMax, totalExact: false, items: await pageOf(where, params, true) };
  }

  /**
   * Ids of messages matching a search (and a state), at most `max`, in no particular order. pg_trgm's
   * GIN index walks the list of rows of every trigram in the pattern, and most trigrams of a search are
   * in every row ("exa", "ple"): at a million queued, `dest42.example` read 3,100 index pages (88 ms warm).
   * Its rarest five characters, `st42.`, read 57 (4 ms) and leave 887 candidates, each then checked
   * against the whole search; so the index is asked for the rarest run (store/queue-search.ts), estimated
   * from a sample of the search column.
   */
  private async searchMatches(search: string, state: QueueState | undefined, max: number): Promise<string[]> {
    if (search.includes(FIELD_SEPARATOR)) return [];
    const rowsOf = await this.trigramEstimator();
    const start = rarestTrigramRun(trigramsOf(search), rowsOf.count, rowsOf.common, (i) => pgTrgmCanLookUp(searchWindow(search, i)));
    // $1 the whole search, $2 the count; the run and the state follow when there are.
    const params: unknown[] = [likePattern(search), max];
    const clauses: string[] = [];
    if (start === null) clauses.push('q.search ILIKE $1');
    else {
      params.push(likePattern(searchWindow(search, start)));
      // (q.search || '') keeps the whole search out of the index lookup: only the run is looked up there.
      clauses.push(`q.search ILIKE $${params.length}`, "(q.search || '') ILIKE $1");
    }
    if (state) {
      params.push(state);
      clauses.push(`m.state = $${params.length}`);
    }
    const join = state ? 'JOIN queue_messages m ON m.id = q.message_id' : '';
    const { rows } = await this.pool.query<{ message_id: string }>(`SELECT q.message_id FROM queue_search q ${join} WHERE ${clauses.join(' AND ')} LIMIT $2`, params);
    return rows.map((r) => r.message_id);
  }

  /** How many rows of a sample of the search column hold a trigram; the sample is kept a minute. */
  private async trigramEstimator(): Promise<{ count: (trigram: string) => number; common: number }> {
    const now = Date.now();
    if (!this.searchSample || now - this.searchSample.at > SEARCH_SAMPLE_TTL_MS) {
      const { rows } = await this.pool.query<{ s: string }>('SELECT lower(search) AS s FROM queue_search LIMIT $1', [SEARCH_SAMPLE_ROWS]);
      this.searchSample = { at: now, texts: rows.map((r) => r.s) };
    }
    const texts = this.searchSample.texts;
    return { count: (t) => texts.reduce((n, s) => (s.includes(t) ? n + 1 : n), 0), common: Math.max(1, texts.length / 2) };
  }

  /** Messages per state and the oldest message's creation time, for the queue gauges (as the SQLite store offers). */
  async queueCounts(): Promise<{ byState: Record<QueueState, number>; oldestCreatedAt: number | null }> {
    const byState = await readQueueCounts(this.pool);
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
/** Rows of the search column read to estimate how common a trigram is (a few ms, then kept a minute). */
const SEARCH_SAMPLE_ROWS = 5_000;
const SEARCH_SAMPLE_TTL_MS = 60_000;

/**
 * pg_trgm takes trigrams only from the words (runs of letters and digits) of a LIKE pattern, and a
 * pattern with none is answered by reading the whole index: a run is looked up alone only when it holds
 * three letters or digits in a row.
 */
const pgTrgmCanLookUp = (window: string): boolean => /[\p{L}\p{N}]{3}/u.test(window);

/** ILIKE's pattern for a substring: % and _ in it are plain characters. */
const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filterSql(filter: QueueFilter): { where: string; params: unknown[] } {
  const clauses = ['TRUE'];
  const params: unknown[] = [];
  if (filter.search) {
    params.push(likePattern(filter.search));
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
