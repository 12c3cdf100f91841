// Schema for a fast queue listing, to be appended to MIGRATIONS as one step. Every statement is
// idempotent (IF NOT EXISTS, OR IGNORE, NOT EXISTS, recounts), so the step is also safe on a database
// where the admin store applied it before it joined MIGRATIONS (queue-admin.ts); it alters no existing
// table.
//
// The listing used to derive each message's state, attempts and next attempt from its recipients with
// correlated subqueries, for every message, on every page and for every count (and the planner answers
// "MIN(next_attempt_at) of this message's pending recipients" by walking queue_recipients_due, i.e.
// every pending recipient of the queue, per message): 1.7 s for a page at 100,000 messages. Here that
// summary is a row of its own, kept by triggers in the transaction that changes a recipient (whichever
// connection writes: the main one or the accept worker's), so a page is an index range and a total is
// one row. Every queued message pays for it with a few more pages per commit; bench/queue-api measures
// both sides.
export const QUEUE_INDEX_MIGRATION = /* queue listing: per-message summary, per-state counts */ `
  -- One row per queued message: what the listing filters, sorts and searches on.
  --   in_flight, deferred: how many of its recipients are in that state;
  --   attempts: the most attempts any recipient has had (delivered and bounced ones included);
  --   next_attempt_at: the earliest next attempt of a queued or deferred recipient (NULL: none);
  --   search: the queue id, the sender and every recipient address, separated by U+0001, so a search
  --     reads one narrow row per message instead of joining its recipients;
  --   state: the message state the admin API shows (held wins, then in flight, then deferred).
  -- Only creation order is indexed: next_attempt_at and attempts change on every delivery attempt, and
  -- an index on them would be rewritten each time (the other sorts read the summary: BENCHMARKS.md).
  CREATE TABLE IF NOT EXISTS queue_message_summary (
    message_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    size INTEGER NOT NULL,
    held INTEGER NOT NULL DEFAULT 0,
    in_flight INTEGER NOT NULL DEFAULT 0,
    deferred INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    search TEXT NOT NULL,
    state TEXT GENERATED ALWAYS AS (
      CASE WHEN held = 1 THEN 'held' WHEN in_flight > 0 THEN 'in_flight' WHEN deferred > 0 THEN 'deferred' ELSE 'queued' END
    ) VIRTUAL
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS queue_summary_created ON queue_message_summary (created_at, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_state_created ON queue_message_summary (state, created_at, message_id);

  -- Messages per state, so a total is one row rather than a count over the queue. Kept in the same
  -- transaction as the summary rows it counts, so it cannot drift; this step recounts it from them.
  CREATE TABLE IF NOT EXISTS queue_state_counts (
    state TEXT PRIMARY KEY,
    messages INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT OR IGNORE INTO queue_state_counts (state, messages) VALUES ('queued', 0), ('deferred', 0), ('held', 0), ('in_flight', 0);

  CREATE TRIGGER IF NOT EXISTS queue_summary_count_insert AFTER INSERT ON queue_message_summary
  BEGIN
    UPDATE queue_state_counts SET messages = messages + 1 WHERE state = NEW.state;
  END;
  CREATE TRIGGER IF NOT EXISTS queue_summary_count_delete AFTER DELETE ON queue_message_summary
  BEGIN
    UPDATE queue_state_counts SET messages = messages - 1 WHERE state = OLD.state;
  END;
  CREATE TRIGGER IF NOT EXISTS queue_summary_count_update AFTER UPDATE OF held, in_flight, deferred ON queue_message_summary
  WHEN OLD.state IS NOT NEW.state
  BEGIN
    UPDATE queue_state_counts SET messages = messages - 1 WHERE state = OLD.state;
    UPDATE queue_state_counts SET messages = messages + 1 WHERE state = NEW.state;
  END;

  -- The message's own columns.
  CREATE TRIGGER IF NOT EXISTS queue_summary_message_insert AFTER INSERT ON queue_messages
  BEGIN
    INSERT INTO queue_message_summary (message_id, created_at, size, held, search)
      VALUES (NEW.id, NEW.created_at, NEW.size, NEW.held, NEW.id || char(1) || NEW.sender);
  END;
  CREATE TRIGGER IF NOT EXISTS queue_summary_message_held AFTER UPDATE OF held ON queue_messages
  WHEN OLD.held IS NOT NEW.held
  BEGIN
    UPDATE queue_message_summary SET held = NEW.held WHERE message_id = NEW.id;
  END;
  CREATE TRIGGER IF NOT EXISTS queue_summary_message_delete AFTER DELETE ON queue_messages
  BEGIN
    DELETE FROM queue_message_summary WHERE message_id = OLD.id;
  END;

  -- Its recipients. A new recipient only adds to the summary (the accept path); any other change
  -- recounts the message's few recipients. (The state test sits inside MIN: in the WHERE clause it lets
  -- the planner walk queue_recipients_due for the minimum, past every pending recipient of the queue.)
  CREATE TRIGGER IF NOT EXISTS queue_summary_recipient_insert AFTER INSERT ON queue_recipients
  BEGIN
    UPDATE queue_message_summary SET
      in_flight = in_flight + (NEW.state = 'in_flight'),
      deferred = deferred + (NEW.state = 'deferred'),
      attempts = MAX(attempts, NEW.attempts),
      next_attempt_at = CASE WHEN NEW.state IN ('queued', 'deferred') THEN MIN(COALESCE(next_attempt_at, NEW.next_attempt_at), NEW.next_attempt_at) ELSE next_attempt_at END,
      search = search || char(1) || NEW.address
    WHERE message_id = NEW.message_id;
  END;
  CREATE TRIGGER IF NOT EXISTS queue_summary_recipient_update AFTER UPDATE OF state, attempts, next_attempt_at ON queue_recipients
  WHEN OLD.state IS NOT NEW.state OR OLD.attempts IS NOT NEW.attempts OR OLD.next_attempt_at IS NOT NEW.next_attempt_at
  BEGIN
    UPDATE queue_message_summary SET (in_flight, deferred, attempts, next_attempt_at) = (
      SELECT COALESCE(SUM(r.state = 'in_flight'), 0), COALESCE(SUM(r.state = 'deferred'), 0), COALESCE(MAX(r.attempts), 0),
             MIN(CASE WHEN r.state IN ('queued', 'deferred') THEN r.next_attempt_at END)
      FROM queue_recipients r WHERE r.message_id = NEW.message_id
    ) WHERE message_id = NEW.message_id;
  END;
  -- Recipients go with their message (the summary row goes too); one deleted on its own is recounted.
  CREATE TRIGGER IF NOT EXISTS queue_summary_recipient_delete AFTER DELETE ON queue_recipients
  WHEN EXISTS (SELECT 1 FROM queue_messages WHERE id = OLD.message_id)
  BEGIN
    UPDATE queue_message_summary SET (in_flight, deferred, attempts, next_attempt_at, search) = (
      SELECT COALESCE(SUM(r.state = 'in_flight'), 0), COALESCE(SUM(r.state = 'deferred'), 0), COALESCE(MAX(r.attempts), 0),
             MIN(CASE WHEN r.state IN ('queued', 'deferred') THEN r.next_attempt_at END),
             (SELECT m.id || char(1) || m.sender FROM queue_messages m WHERE m.id = OLD.message_id) || COALESCE(group_concat(char(1) || r.address, ''), '')
      FROM queue_recipients r WHERE r.message_id = OLD.message_id
    ) WHERE message_id = OLD.message_id;
  END;

  -- Messages queued before this step: summarise them, then count. On a database that has the step
  -- already every message has its summary row, so nothing is added and the count comes out the same.
  INSERT INTO queue_message_summary (message_id, created_at, size, held, in_flight, deferred, attempts, next_attempt_at, search)
    SELECT m.id, m.created_at, m.size, m.held,
      (SELECT COALESCE(SUM(r.state = 'in_flight'), 0) FROM queue_recipients r WHERE r.message_id = m.id),
      (SELECT COALESCE(SUM(r.state = 'deferred'), 0) FROM queue_recipients r WHERE r.message_id = m.id),
      (SELECT COALESCE(MAX(r.attempts), 0) FROM queue_recipients r WHERE r.message_id = m.id),
      (SELECT MIN(CASE WHEN r.state IN ('queued', 'deferred') THEN r.next_attempt_at END) FROM queue_recipients r WHERE r.message_id = m.id),
      m.id || char(1) || m.sender || COALESCE((SELECT group_concat(char(1) || r.address, '') FROM queue_recipients r WHERE r.message_id = m.id), '')
    FROM queue_messages m WHERE NOT EXISTS (SELECT 1 FROM queue_message_summary s WHERE s.message_id = m.id);
  UPDATE queue_state_counts SET messages = (SELECT COUNT(*) FROM queue_message_summary s WHERE s.state = queue_state_counts.state);
`;
