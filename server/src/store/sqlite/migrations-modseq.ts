// Per-message mod-sequences for CONDSTORE (RFC 7162), appended to MIGRATIONS as one step. Every insert
// into a mailbox (delivery, APPEND, COPY, MOVE) and every flag change moves the mailbox's modseq and
// stamps the message with the new value, by triggers, so no write path can forget it. Removals move the
// mailbox's modseq as before (mailbox-messages.ts). Existing mail gets its mailbox's current value.
export const MODSEQ_MIGRATION = `
  ALTER TABLE mail ADD COLUMN modseq INTEGER NOT NULL DEFAULT 0;
  UPDATE mail SET modseq = coalesce((SELECT modseq FROM mailbox_state WHERE mailbox_id = mail.mailbox_id), 0);
  CREATE TRIGGER mail_modseq_insert AFTER INSERT ON mail BEGIN
    INSERT OR IGNORE INTO mailbox_state (mailbox_id) VALUES (NEW.mailbox_id);
    UPDATE mailbox_state SET modseq = modseq + 1 WHERE mailbox_id = NEW.mailbox_id;
    UPDATE mail SET modseq = (SELECT modseq FROM mailbox_state WHERE mailbox_id = NEW.mailbox_id) WHERE id = NEW.id;
  END;
  CREATE TRIGGER mail_modseq_update AFTER UPDATE OF flags, mailbox_id ON mail BEGIN
    INSERT OR IGNORE INTO mailbox_state (mailbox_id) VALUES (NEW.mailbox_id);
    UPDATE mailbox_state SET modseq = modseq + 1 WHERE mailbox_id = NEW.mailbox_id;
    UPDATE mail SET modseq = (SELECT modseq FROM mailbox_state WHERE mailbox_id = NEW.mailbox_id) WHERE id = NEW.id;
  END;
`;
