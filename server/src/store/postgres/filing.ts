// Filing a message into an account's mailbox: the one write that both local delivery from the queue and
// direct filing at acceptance make. Runs on the caller's transaction connection.
import type { Queryable } from './pool.ts';
import { takeUids } from './mailbox-messages.ts';

/**
 * Files the content into `folder` (NewRecipient.folder; 'Junk' is found by its \Junk special use first,
 * so a renamed Junk folder still gets spam) and returns true; an account without that folder gets it in
 * INBOX. False when the account (or its INBOX) no longer exists.
 */
export async function fileIntoInbox(db: Queryable, accountId: number, content: Buffer, queueId: string, now: number, folder?: string | null): Promise<boolean> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT id FROM mailboxes WHERE account_id = $1 AND (
       ($2::text = 'Junk' AND special_use = '\\Junk') OR name = $2 OR name = 'INBOX')
     ORDER BY CASE WHEN $2::text = 'Junk' AND special_use = '\\Junk' THEN 0 WHEN name = $2 THEN 1 ELSE 2 END, id LIMIT 1`,
    [accountId, folder || 'INBOX'],
  );
  const box = rows[0];
  if (!box) return false;
  const taken = await takeUids(db, box.id, 1);
  if (!taken) return false;
  await db.query('INSERT INTO mail (mailbox_id, uid, internal_date, size, queue_id, content) VALUES ($1, $2, $3, $4, $5, $6)', [box.id, taken.first, now, content.length, queueId, content]);
  return true;
}
