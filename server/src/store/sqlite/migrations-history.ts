// Schema for the message history (history-store.ts), appended to MIGRATIONS as one step. A message's row
// is written at acceptance; its attempts as their outcomes are recorded; finished_at by a trigger when
// the queue's row goes, whatever deleted it. Recipients are kept lower-case, one a line, for the search.
export const HISTORY_MIGRATION = `
  CREATE TABLE message_history (
    id TEXT PRIMARY KEY,
    message_id_header TEXT,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    size INTEGER NOT NULL,
    source TEXT NOT NULL,
    node TEXT,
    client_address TEXT,
    tls TEXT,
    scan TEXT,
    accepted_at INTEGER NOT NULL,
    finished_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX message_history_accepted ON message_history (accepted_at);
  CREATE INDEX message_history_finished ON message_history (finished_at) WHERE finished_at IS NOT NULL;
  CREATE TABLE message_history_attempts (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES message_history(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    at INTEGER NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('delivered', 'deferred', 'bounced')),
    mx_host TEXT,
    mx_ip TEXT,
    tls TEXT,
    reply_code INTEGER,
    reply_text TEXT,
    duration_ms INTEGER
  );
  CREATE INDEX message_history_attempts_message ON message_history_attempts (message_id, id);
  CREATE TRIGGER queue_message_history_finished AFTER DELETE ON queue_messages BEGIN
    UPDATE message_history SET finished_at = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)
      WHERE id = OLD.id AND finished_at IS NULL;
  END;
`;
