// Step 7 of the PostgreSQL schema: what makes every sort and search of the queue listing an index walk
// at a million queued messages (the aim in BENCHMARKS.md, "Queue API": a page in under 50 ms).
//
// - An index per sort besides creation, with and without the state in front, so a page stops after its
//   50 rows (as SQLite's step 9). Every delivery attempt already rewrites the row in another index (the
//   state's), so these add index entries, not a new kind of write.
// - Messages per state in queue_state_counts, so a total is a handful of rows instead of a count over
//   the queue (300 ms at a million). Every node writes at once, so one row per state would make every
//   accepting and delivering transaction of the cluster wait for the others' commits: each database
//   backend adds to rows of its own (slot = its pid; a backend runs one transaction at a time, so no
//   two transactions ever wait on the same row), and rows of backends that have gone are folded into
//   slot 0 now and then (queue-counts.ts). Statement triggers with transition tables: one upsert per
//   statement, whatever the number of rows (the accept path inserts a batch in one statement).
// - The search: a trigram index (pg_trgm, GIN) answers ILIKE '%…%'. It sits on a table of its own,
//   written once per message by a trigger and gone with it (ON DELETE CASCADE): on queue_messages itself
//   every claim and outcome (a new row version, since indexed columns change) would add each of the
//   row's 60-odd trigrams to the GIN index again. pg_trgm ships with PostgreSQL (contrib) and is a
//   trusted extension: the database owner may create it without superuser (PostgreSQL 13 and later).
export const QUEUE_LISTING_MIGRATION = /* queue listing: sort indexes, per-state counts, trigram search */ `
  CREATE INDEX queue_messages_next_attempt ON queue_messages (next_attempt_at NULLS FIRST, id);
  CREATE INDEX queue_messages_attempts ON queue_messages (attempts, id);
  CREATE INDEX queue_messages_size ON queue_messages (size, id);
  CREATE INDEX queue_messages_state_next_attempt ON queue_messages (state, next_attempt_at NULLS FIRST, id);
  CREATE INDEX queue_messages_state_attempts ON queue_messages (state, attempts, id);
  CREATE INDEX queue_messages_state_size ON queue_messages (state, size, id);

  CREATE TABLE queue_state_counts (
    state TEXT NOT NULL,
    slot INTEGER NOT NULL,
    messages BIGINT NOT NULL,
    PRIMARY KEY (state, slot)
  );
  -- Each adds its statement's changes per state to this backend's rows, states in one order.
  CREATE FUNCTION queue_state_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO queue_state_counts (state, slot, messages)
      SELECT state, pg_backend_pid(), count(*) FROM new_messages GROUP BY state ORDER BY state
    ON CONFLICT (state, slot) DO UPDATE SET messages = queue_state_counts.messages + EXCLUDED.messages;
    RETURN NULL;
  END
  $$;
  CREATE FUNCTION queue_state_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO queue_state_counts (state, slot, messages)
      SELECT state, pg_backend_pid(), -count(*) FROM old_messages GROUP BY state ORDER BY state
    ON CONFLICT (state, slot) DO UPDATE SET messages = queue_state_counts.messages + EXCLUDED.messages;
    RETURN NULL;
  END
  $$;
  CREATE FUNCTION queue_state_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO queue_state_counts (state, slot, messages)
      SELECT state, pg_backend_pid(), sum(d) FROM (SELECT state, 1 AS d FROM new_messages UNION ALL SELECT state, -1 FROM old_messages) x
      GROUP BY state HAVING sum(d) <> 0 ORDER BY state
    ON CONFLICT (state, slot) DO UPDATE SET messages = queue_state_counts.messages + EXCLUDED.messages;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER queue_state_counts_insert AFTER INSERT ON queue_messages
    REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION queue_state_counts_insert();
  CREATE TRIGGER queue_state_counts_delete AFTER DELETE ON queue_messages
    REFERENCING OLD TABLE AS old_messages FOR EACH STATEMENT EXECUTE FUNCTION queue_state_counts_delete();
  CREATE TRIGGER queue_state_counts_update AFTER UPDATE ON queue_messages
    REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION queue_state_counts_update();
  INSERT INTO queue_state_counts (state, slot, messages) SELECT state, 0, count(*) FROM queue_messages GROUP BY state;

  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TABLE queue_search (
    message_id TEXT PRIMARY KEY REFERENCES queue_messages(id) ON DELETE CASCADE,
    search TEXT NOT NULL
  );
  CREATE INDEX queue_search_trigram ON queue_search USING gin (search gin_trgm_ops);
  -- One statement per batch of messages (the accept path inserts a batch in one statement).
  CREATE FUNCTION queue_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO queue_search (message_id, search) SELECT id, search FROM new_messages;
    RETURN NULL;
  END
  $$;
  CREATE TRIGGER queue_search_insert AFTER INSERT ON queue_messages
    REFERENCING NEW TABLE AS new_messages FOR EACH STATEMENT EXECUTE FUNCTION queue_search_insert();
  INSERT INTO queue_search (message_id, search) SELECT id, search FROM queue_messages;
`;
