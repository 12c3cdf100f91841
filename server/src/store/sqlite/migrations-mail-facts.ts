// Migration 15: where the SQLite store keeps what IMAP computed of each message (imap/stored-facts.ts).
// SQLite stores a row's columns in order and a large message spills `content` into overflow pages, so
// every column added after it (migration 12's modseq, migration 14's facts) is reached only by walking
// that chain, and an UPDATE of one of them rewrites the whole row, message included. So:
// - the facts live in their own table, one small row per message, read by key;
// - `mail_facts_pending` lists the messages not parsed yet (a trigger adds every new mail row), which the
//   background filler (imap/facts-filler.ts) reads newest first and empties;
// - `mail_listing` covers what SELECT reads of every message (flags, date, size, modseq), so opening a
//   mailbox never touches message rows.
// Facts kept by migration 14 lack the header and are computed again in the background (every message is
// pending); its columns stay in the mail table, unused, because dropping a column rewrites every message.
export const MAIL_FACTS_MIGRATION = `
  CREATE TABLE mail_facts (
    mail_id INTEGER PRIMARY KEY REFERENCES mail(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    envelope BLOB NOT NULL,
    bodystructure BLOB NOT NULL,
    body BLOB NOT NULL,
    header BLOB NOT NULL
  );
  CREATE TABLE mail_facts_pending (
    mail_id INTEGER PRIMARY KEY REFERENCES mail(id) ON DELETE CASCADE
  );
  INSERT INTO mail_facts_pending (mail_id) SELECT id FROM mail;
  CREATE TRIGGER mail_facts_pending_insert AFTER INSERT ON mail BEGIN
    INSERT INTO mail_facts_pending (mail_id) VALUES (NEW.id);
  END;
  CREATE INDEX mail_listing ON mail (mailbox_id, uid, id, flags, internal_date, size, modseq);
`;
