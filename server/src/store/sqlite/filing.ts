// Filing a message into an account's INBOX: the one write that both local delivery from the queue
// and direct filing at acceptance make. Runs inside the caller's transaction.
import { stmt, type Db } from './open.ts';

type Box = { id: number; uid_next: number } | undefined;

/**
 * Files the content into `folder` (NewRecipient.folder; 'Junk' is found by its \\Junk special use first, so a
 * renamed Junk folder still gets spam) and returns true; an account without that folder gets it in INBOX.
 * False when the account (or its INBOX) no longer exists.
 */
export function fileIntoInbox(db: Db, accountId: number, content: Buffer, queueId: string, now: number, folder?: string | null): boolean {
  let box: Box;
  if (folder && folder !== 'INBOX') {
    box =
      (folder === 'Junk' ? (stmt(db, `SELECT id, uid_next FROM mailboxes WHERE account_id = ? AND special_use = '\\Junk' ORDER BY id LIMIT 1`).get(accountId) as Box) : undefined) ??
      (stmt(db, 'SELECT id, uid_next FROM mailboxes WHERE account_id = ? AND name = ?').get(accountId, folder) as Box);
  }
  box ??= stmt(db, `SELECT id, uid_next FROM mailboxes WHERE account_id = ? AND name = 'INBOX'`).get(accountId) as Box;
  if (!box) return false;
  stmt(db, 'INSERT INTO mail (mailbox_id, uid, internal_date, size, queue_id, content) VALUES (?, ?, ?, ?, ?, ?)').run(box.id, box.uid_next, now, content.length, queueId, content);
  stmt(db, 'UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?').run(box.id);
  return true;
}
