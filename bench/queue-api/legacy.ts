// The queue listing as it was before the summary (commit 801276b, server/src/store/sqlite/queue-admin.ts):
// state, attempts and next attempt derived from the recipients for every message, the total counted
// over that derived table. Run in-process on the same database file for a "before" figure; it needs
// only the base tables. The SQL is copied verbatim; only the recipients of each row are not read.
import Database from 'better-sqlite3';

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

export interface LegacyRequest {
  search?: string;
  state?: string;
}

function filterSql(filter: LegacyRequest): { where: string; params: unknown[] } {
  const clauses = ['1 = 1'];
  const params: unknown[] = [];
  if (filter.state) {
    clauses.push('m.state = ?');
    params.push(filter.state);
  }
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(`(m.id LIKE ? ESCAPE '\\' OR m.sender LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM queue_recipients r WHERE r.message_id = m.id AND r.address LIKE ? ESCAPE '\\'))`);
    params.push(like, like, like);
  }
  return { where: clauses.join(' AND '), params };
}

/** One page (limit 50, by creation) the old way; resolves with the total. */
export function legacyPage(db: Database.Database, req: LegacyRequest): number {
  const { where, params } = filterSql(req);
  const total = db
    .prepare(`SELECT COUNT(*) FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where}`)
    .pluck()
    .get(...params) as number;
  db.prepare(`SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM queue_messages m) m WHERE ${where} ORDER BY m.created_at ASC, m.id ASC LIMIT ? OFFSET ?`).all(...params, 50, 0);
  return total;
}

export function openReadOnly(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}
