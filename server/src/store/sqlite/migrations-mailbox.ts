// Schema for IMAP and POP3, to be appended to MIGRATIONS as one step. Every statement is idempotent
// (IF NOT EXISTS, OR IGNORE) and nothing alters an existing table, so the step is also safe on a
// database where mailbox-schema.ts applied it before it joined MIGRATIONS.
export const MAILBOX_MIGRATION = /* mailbox sync state, subscriptions, UIDVALIDITY counter */ `
  -- Per-mailbox state that only the mailbox protocols write. A missing row means the defaults, so
  -- mailboxes created by the directory or by older versions need no backfill.
  -- modseq: bumped on every flag change and expunge (new mail moves mailboxes.uid_next instead).
  -- first_recent_uid: mail from this UID on has not been shown as \\Recent to any session yet.
  CREATE TABLE IF NOT EXISTS mailbox_state (
    mailbox_id INTEGER PRIMARY KEY REFERENCES mailboxes(id) ON DELETE CASCADE,
    modseq INTEGER NOT NULL DEFAULT 0,
    first_recent_uid INTEGER NOT NULL DEFAULT 1
  );

  -- Subscriptions are names, not mailboxes: RFC 3501 6.3.6 forbids dropping one when its mailbox goes.
  CREATE TABLE IF NOT EXISTS mailbox_subscriptions (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
  );
  INSERT OR IGNORE INTO mailbox_subscriptions (account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed = 1;
  -- mailboxes.subscribed now means "subscribe when created": the directory creates the default
  -- folders with it set, IMAP CREATE clears it.
  CREATE TRIGGER IF NOT EXISTS mailbox_subscribe_on_create AFTER INSERT ON mailboxes WHEN NEW.subscribed = 1
  BEGIN
    INSERT OR IGNORE INTO mailbox_subscriptions (account_id, name) VALUES (NEW.account_id, NEW.name);
  END;

  -- The last UIDVALIDITY handed out, so a mailbox deleted and created again within one second still
  -- gets a larger value (RFC 3501 2.3.1.1: UIDs must never be reused under one UIDVALIDITY).
  CREATE TABLE IF NOT EXISTS mailbox_uid_validity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
  );
  INSERT OR IGNORE INTO mailbox_uid_validity (id, last) SELECT 1, COALESCE(MAX(uid_validity), 0) FROM mailboxes;
`;
