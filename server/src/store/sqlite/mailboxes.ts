// Read access to mailboxes and their mail (IMAP and POP3 grow this in their issue).
import type { MailboxStore } from '../store.ts';
import type { MailboxInfo, StoredMail } from '../types.ts';
import type { Db } from './open.ts';

export class SqliteMailboxes implements MailboxStore {
  constructor(private readonly db: Db) {}

  async listMailboxes(accountId: number): Promise<MailboxInfo[]> {
    return this.db
      .prepare(
        `SELECT id, account_id AS accountId, name, special_use AS specialUse, uid_validity AS uidValidity, uid_next AS uidNext
         FROM mailboxes WHERE account_id = ? ORDER BY id`,
      )
      .all(accountId) as MailboxInfo[];
  }

  async listMail(mailboxId: number): Promise<StoredMail[]> {
    const rows = this.db
      .prepare(`SELECT id, mailbox_id AS mailboxId, uid, flags, internal_date AS internalDate, size FROM mail WHERE mailbox_id = ? ORDER BY uid`)
      .all(mailboxId) as Array<Omit<StoredMail, 'flags'> & { flags: string }>;
    return rows.map((r) => ({ ...r, flags: r.flags === '' ? [] : r.flags.split(' ') }));
  }

  async readMail(id: number): Promise<Buffer | null> {
    return (this.db.prepare('SELECT content FROM mail WHERE id = ?').pluck().get(id) as Buffer | undefined) ?? null;
  }
}
