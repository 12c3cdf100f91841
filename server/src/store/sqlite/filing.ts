// Filing a message into an account's INBOX: the one write that both local delivery from the queue
// and direct filing at acceptance make. Runs inside the caller's transaction.
import { stmt, type Db } from './open.ts';

/** Files the content and returns true, or false when the account (or its INBOX) no longer exists. */
export function fileIntoInbox(db: Db, accountId: number, content: Buffer, queueId: string, now: number): boolean {
  const box = stmt(db, `SELECT id, uid_next FROM mailboxes WHERE account_id = ? AND name = 'INBOX'`).get(accountId) as { id: number; uid_next: number } | undefined;
  if (!box) return false;
  stmt(db, 'INSERT INTO mail (mailbox_id, uid, internal_date, size, queue_id, content) VALUES (?, ?, ?, ?, ?, ?)').run(box.id, box.uid_next, now, content.length, queueId, content);
  stmt(db, 'UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?').run(box.id);
  return true;
}
