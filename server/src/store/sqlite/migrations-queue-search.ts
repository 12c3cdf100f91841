// Schema for the queue search, appended to MIGRATIONS as one step (10). Until this step a search read
// every summary row with LIKE '%…%': 129-172 ms at 1,000,000 queued on a quiet machine, 664-922 ms on a
// loaded one (BENCHMARKS.md, "Queue API"). Here a trigram full-text index (FTS5's trigram tokenizer) finds
// the matching recipients from the index alone, so a search costs what it matches, not what is queued.
//
// One row per queue recipient, keyed by its INTEGER PRIMARY KEY (stable across VACUUM and VACUUM INTO,
// which renumber implicit rowids: queue_messages has one, so it cannot be the key). The row's text is the
// queue id, the sender and the recipient's address, separated by U+0001, which a search does not contain,
// so a match never spans two fields; message_id (not indexed) saves a join per match. The indexed text
// is not stored (content=''), its copy `shown` is (contentless_unindexed): a search that looks up a
// short, rare part of itself in the index checks the whole search against it (queue-search.ts), one
// read per candidate instead of three. Contentless with contentless_delete: a removed row is marked
// gone rather than each of its trigrams deleted, and nothing is written twice; at 200,000 rows that
// halved the time to insert them and took 45% off removing a tenth of them, against a table that
// keeps its content (the trigger runs in every accepting and finishing transaction). A row
// goes when its recipient goes (a message's recipients go with it: ON DELETE CASCADE fires the trigger).
// A message is found through its recipients' rows: every queued message has at least one recipient
// (SMTP, the API and bounces never queue one without; a message leaves when its last one is done).
// case_sensitive 0 folds case as the search always did. Searches shorter than three characters have no
// trigram and still read the summary (queue-admin.ts).
export const QUEUE_SEARCH_MIGRATION = /* queue search: trigram index of queue id, sender and recipient */ `
  CREATE VIRTUAL TABLE queue_search USING fts5(
    message_id UNINDEXED, text, shown UNINDEXED,
    tokenize = 'trigram case_sensitive 0', content = '', contentless_delete = 1, contentless_unindexed = 1
  );

  CREATE TRIGGER queue_search_recipient_insert AFTER INSERT ON queue_recipients
  BEGIN
    INSERT INTO queue_search (rowid, message_id, text, shown)
      SELECT NEW.id, m.id, m.id || char(1) || m.sender || char(1) || NEW.address, m.id || char(1) || m.sender || char(1) || NEW.address
      FROM queue_messages m WHERE m.id = NEW.message_id;
  END;
  -- Clearing the whole queue empties the index at once ('delete-all') and says so here, so its recipients'
  -- deletes skip the index one by one (clearing 100,000 messages took 17 s that way, against 1.4 s before).
  CREATE TABLE queue_search_cleared (cleared INTEGER PRIMARY KEY CHECK (cleared = 1));
  CREATE TRIGGER queue_search_recipient_delete AFTER DELETE ON queue_recipients
  WHEN NOT EXISTS (SELECT 1 FROM queue_search_cleared)
  BEGIN
    DELETE FROM queue_search WHERE rowid = OLD.id;
  END;

  INSERT INTO queue_search (rowid, message_id, text, shown)
    SELECT r.id, m.id, m.id || char(1) || m.sender || char(1) || r.address, m.id || char(1) || m.sender || char(1) || r.address
    FROM queue_recipients r JOIN queue_messages m ON m.id = r.message_id;
`;
