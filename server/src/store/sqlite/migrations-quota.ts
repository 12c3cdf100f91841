// Schema for storage quotas (quota-store.ts), appended to MIGRATIONS as one step. The limits are two
// nullable columns on accounts (NULL: the configured default); usage is two counters kept by triggers on
// mail, whichever connection writes (the main one or the accept worker's), so it is exact at every commit.
// Existing mail is counted once, when the step runs.
export const QUOTA_MIGRATION = `
  ALTER TABLE accounts ADD COLUMN quota_bytes INTEGER;
  ALTER TABLE accounts ADD COLUMN quota_messages INTEGER;
  ALTER TABLE accounts ADD COLUMN used_bytes INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE accounts ADD COLUMN used_messages INTEGER NOT NULL DEFAULT 0;
  UPDATE accounts SET
    used_bytes = (SELECT coalesce(sum(m.size), 0) FROM mail m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = accounts.id),
    used_messages = (SELECT count(*) FROM mail m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = accounts.id);
  CREATE TRIGGER mail_quota_insert AFTER INSERT ON mail BEGIN
    UPDATE accounts SET used_bytes = used_bytes + NEW.size, used_messages = used_messages + 1
      WHERE id = (SELECT account_id FROM mailboxes WHERE id = NEW.mailbox_id);
  END;
  CREATE TRIGGER mail_quota_delete AFTER DELETE ON mail BEGIN
    UPDATE accounts SET used_bytes = used_bytes - OLD.size, used_messages = used_messages - 1
      WHERE id = (SELECT account_id FROM mailboxes WHERE id = OLD.mailbox_id);
  END;
  -- A mailbox deleted with its mail: SQLite runs the cascade after the mailbox row is gone, when the mail
  -- triggers can no longer find the account, so the mailbox gives back what is left in it first.
  CREATE TRIGGER mailbox_quota_delete BEFORE DELETE ON mailboxes BEGIN
    UPDATE accounts SET
      used_bytes = used_bytes - (SELECT coalesce(sum(size), 0) FROM mail WHERE mailbox_id = OLD.id),
      used_messages = used_messages - (SELECT count(*) FROM mail WHERE mailbox_id = OLD.id)
      WHERE id = OLD.account_id;
  END;
  CREATE TRIGGER mail_quota_move AFTER UPDATE OF mailbox_id, size ON mail BEGIN
    UPDATE accounts SET used_bytes = used_bytes - OLD.size, used_messages = used_messages - 1
      WHERE id = (SELECT account_id FROM mailboxes WHERE id = OLD.mailbox_id);
    UPDATE accounts SET used_bytes = used_bytes + NEW.size, used_messages = used_messages + 1
      WHERE id = (SELECT account_id FROM mailboxes WHERE id = NEW.mailbox_id);
  END;
`;
