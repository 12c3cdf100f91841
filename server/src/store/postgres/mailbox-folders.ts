// Folder operations of the PostgreSQL mailbox store: create, delete, rename, subscriptions. Each function
// runs on the caller's transaction connection; names arrive already made canonical. Changes to one
// account's folders lock its account row first, so two sessions (or nodes) renaming and creating at once
// take turns instead of tripping over each other's half-done work.
import type pg from 'pg';
import { MAILBOX_DELIMITER, MailboxError } from '../mailbox-store.ts';
import type { MailboxInfo } from '../types.ts';
import type { Queryable } from './pool.ts';

export const SELECT_BOX = `SELECT id, account_id AS "accountId", name, special_use AS "specialUse", uid_validity AS "uidValidity", uid_next AS "uidNext" FROM mailboxes`;

export async function findBox(db: Queryable, accountId: number, name: string): Promise<MailboxInfo | null> {
  return (await db.query<MailboxInfo>(`${SELECT_BOX} WHERE account_id = $1 AND name = $2`, [accountId, name])).rows[0] ?? null;
}

export async function listBoxes(db: Queryable, accountId: number): Promise<MailboxInfo[]> {
  return (await db.query<MailboxInfo>(`${SELECT_BOX} WHERE account_id = $1 ORDER BY name COLLATE "C"`, [accountId])).rows;
}

/** Serialises folder changes of one account (see the file comment). */
export async function lockAccount(c: pg.PoolClient, accountId: number): Promise<void> {
  await c.query('SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE', [accountId]);
}

/** Larger than every UIDVALIDITY this account's mailboxes and this database have used. */
export async function nextUidValidity(c: Queryable, accountId: number): Promise<number> {
  const { rows } = await c.query<{ last: number }>(
    `UPDATE mailbox_uid_validity SET last = GREATEST($1::bigint, last + 1, (SELECT COALESCE(MAX(uid_validity), 0) + 1 FROM mailboxes WHERE account_id = $2))
     WHERE id = 1 RETURNING last`,
    [Math.floor(Date.now() / 1000), accountId],
  );
  return rows[0]!.last;
}

async function insertBox(c: pg.PoolClient, accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
  const uidValidity = await nextUidValidity(c, accountId);
  const { rows } = await c.query<{ id: number }>('INSERT INTO mailboxes (account_id, name, uid_validity, special_use) VALUES ($1, $2, $3, $4) RETURNING id', [
    accountId,
    name,
    uidValidity,
    specialUse,
  ]);
  return { id: rows[0]!.id, accountId, name, specialUse, uidValidity, uidNext: 1 };
}

/** Creates the missing superiors of name (not name itself), as RFC 3501 6.3.3 asks of CREATE. */
async function createParents(c: pg.PoolClient, accountId: number, name: string): Promise<void> {
  const levels = name.split(MAILBOX_DELIMITER);
  for (let i = 1; i < levels.length; i++) {
    const parent = levels.slice(0, i).join(MAILBOX_DELIMITER);
    if (!(await findBox(c, accountId, parent))) await insertBox(c, accountId, parent);
  }
}

export async function createBox(c: pg.PoolClient, accountId: number, name: string, specialUse: string | null = null): Promise<MailboxInfo> {
  await lockAccount(c, accountId);
  if (await findBox(c, accountId, name)) throw new MailboxError('exists', `mailbox ${name} already exists`);
  await createParents(c, accountId, name);
  return insertBox(c, accountId, name, specialUse);
}

const isInferior = (name: string, of: string) => name.startsWith(of + MAILBOX_DELIMITER);

export async function deleteBox(c: pg.PoolClient, accountId: number, name: string): Promise<void> {
  if (name === 'INBOX') throw new MailboxError('invalid', 'INBOX cannot be deleted');
  await lockAccount(c, accountId);
  const box = await findBox(c, accountId, name);
  if (!box) throw new MailboxError('not_found', `mailbox ${name} does not exist`);
  if ((await listBoxes(c, accountId)).some((b) => isInferior(b.name, name))) {
    throw new MailboxError('has_children', `mailbox ${name} has child mailboxes; delete them first`);
  }
  // Its mail goes with it (ON DELETE CASCADE); the subscription stays, as RFC 3501 asks.
  await c.query('DELETE FROM mailboxes WHERE id = $1', [box.id]);
}

export async function renameBox(c: pg.PoolClient, accountId: number, from: string, to: string): Promise<void> {
  await lockAccount(c, accountId);
  const source = await findBox(c, accountId, from);
  if (!source) throw new MailboxError('not_found', `mailbox ${from} does not exist`);
  if (await findBox(c, accountId, to)) throw new MailboxError('exists', `mailbox ${to} already exists`);
  if (from !== 'INBOX' && isInferior(to, from)) throw new MailboxError('invalid', 'a mailbox cannot be moved into itself');
  if (from === 'INBOX') return renameInbox(c, accountId, source, to);
  const inferiors = (await listBoxes(c, accountId)).filter((b) => isInferior(b.name, from));
  for (const b of inferiors) {
    const target = to + b.name.slice(from.length);
    if (await findBox(c, accountId, target)) throw new MailboxError('exists', `mailbox ${target} already exists`);
  }
  await createParents(c, accountId, to);
  for (const b of [source, ...inferiors]) {
    const target = to + b.name.slice(from.length);
    await c.query('UPDATE mailboxes SET name = $1 WHERE id = $2', [target, b.id]);
    // Clients expect a renamed folder to stay subscribed; a stale subscription under the old name is
    // left alone if the new name was already subscribed.
    await c.query(
      `UPDATE mailbox_subscriptions SET name = $1 WHERE account_id = $2 AND name = $3
         AND NOT EXISTS (SELECT 1 FROM mailbox_subscriptions WHERE account_id = $2 AND name = $1)`,
      [target, accountId, b.name],
    );
  }
}

/** RFC 3501 6.3.5: INBOX's mail moves to a new mailbox and INBOX stays, empty; its children stay too. */
async function renameInbox(c: pg.PoolClient, accountId: number, inbox: MailboxInfo, to: string): Promise<void> {
  await createParents(c, accountId, to);
  const target = await insertBox(c, accountId, to);
  const { rowCount } = await c.query(
    `UPDATE mail SET mailbox_id = $1, uid = renumbered.n FROM
       (SELECT id, row_number() OVER (ORDER BY uid) AS n FROM mail WHERE mailbox_id = $2) AS renumbered
     WHERE mail.id = renumbered.id`,
    [target.id, inbox.id],
  );
  const moved = rowCount ?? 0;
  await c.query('UPDATE mailboxes SET uid_next = $1 WHERE id = $2', [moved + 1, target.id]);
  if (moved > 0) await bumpModseq(c, inbox.id);
}

export async function bumpModseq(db: Queryable, mailboxId: number): Promise<void> {
  await db.query('UPDATE mailboxes SET modseq = modseq + 1 WHERE id = $1', [mailboxId]);
}

export async function listSubscribed(db: Queryable, accountId: number): Promise<string[]> {
  return (await db.query<{ name: string }>('SELECT name FROM mailbox_subscriptions WHERE account_id = $1 ORDER BY name COLLATE "C"', [accountId])).rows.map((r) => r.name);
}

export async function setSubscribed(db: Queryable, accountId: number, name: string, subscribed: boolean): Promise<void> {
  if (subscribed) await db.query('INSERT INTO mailbox_subscriptions (account_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [accountId, name]);
  else await db.query('DELETE FROM mailbox_subscriptions WHERE account_id = $1 AND name = $2', [accountId, name]);
}
