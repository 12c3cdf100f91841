// Folder operations of the SQLite mailbox store: create, delete, rename, subscriptions. Each function
// runs inside the caller's transaction or is one itself; names arrive already made canonical.
import { MAILBOX_DELIMITER, MailboxError } from '../mailbox-store.ts';
import type { MailboxInfo } from '../types.ts';
import { stmt, type Db } from './open.ts';

const SELECT_BOX = `SELECT id, account_id AS accountId, name, special_use AS specialUse, uid_validity AS uidValidity, uid_next AS uidNext FROM mailboxes`;
export { canonicalName, checkName } from '../mailbox-names.ts';

export function findBox(db: Db, accountId: number, name: string): MailboxInfo | null {
  return (stmt(db, `${SELECT_BOX} WHERE account_id = ? AND name = ?`).get(accountId, name) as MailboxInfo | undefined) ?? null;
}

export function listBoxes(db: Db, accountId: number): MailboxInfo[] {
  return stmt(db, `${SELECT_BOX} WHERE account_id = ? ORDER BY name`).all(accountId) as MailboxInfo[];
}

/** Larger than every UIDVALIDITY this account's mailboxes and this database have used. */
function nextUidValidity(db: Db, accountId: number): number {
  const last = (stmt(db, 'SELECT last FROM mailbox_uid_validity WHERE id = 1').pluck().get() as number | undefined) ?? 0;
  const accountMax = (stmt(db, 'SELECT MAX(uid_validity) FROM mailboxes WHERE account_id = ?').pluck().get(accountId) as number | null) ?? 0;
  const value = Math.max(Math.floor(Date.now() / 1000), last + 1, accountMax + 1);
  stmt(db, 'INSERT INTO mailbox_uid_validity (id, last) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET last = excluded.last').run(value);
  return value;
}

function insertBox(db: Db, accountId: number, name: string, specialUse: string | null = null): MailboxInfo {
  const uidValidity = nextUidValidity(db, accountId);
  // subscribed = 0: an IMAP CREATE does not subscribe (the column only drives the trigger).
  const id = Number(stmt(db, 'INSERT INTO mailboxes (account_id, name, uid_validity, subscribed, special_use) VALUES (?, ?, ?, 0, ?)').run(accountId, name, uidValidity, specialUse).lastInsertRowid);
  return { id, accountId, name, specialUse, uidValidity, uidNext: 1 };
}

/** Creates the missing superiors of name (not name itself), as RFC 3501 6.3.3 asks of CREATE. */
function createParents(db: Db, accountId: number, name: string): void {
  const levels = name.split(MAILBOX_DELIMITER);
  for (let i = 1; i < levels.length; i++) {
    const parent = levels.slice(0, i).join(MAILBOX_DELIMITER);
    if (!findBox(db, accountId, parent)) insertBox(db, accountId, parent);
  }
}

export function createBox(db: Db, accountId: number, name: string, specialUse: string | null = null): MailboxInfo {
  if (findBox(db, accountId, name)) throw new MailboxError('exists', `mailbox ${name} already exists`);
  createParents(db, accountId, name);
  return insertBox(db, accountId, name, specialUse);
}

const isInferior = (name: string, of: string) => name.startsWith(of + MAILBOX_DELIMITER);

export function deleteBox(db: Db, accountId: number, name: string): void {
  if (name === 'INBOX') throw new MailboxError('invalid', 'INBOX cannot be deleted');
  const box = findBox(db, accountId, name);
  if (!box) throw new MailboxError('not_found', `mailbox ${name} does not exist`);
  if (listBoxes(db, accountId).some((b) => isInferior(b.name, name))) {
    throw new MailboxError('has_children', `mailbox ${name} has child mailboxes; delete them first`);
  }
  // Mail and the sync state go with it (ON DELETE CASCADE); the subscription stays, as RFC 3501 asks.
  stmt(db, 'DELETE FROM mailboxes WHERE id = ?').run(box.id);
}

export function renameBox(db: Db, accountId: number, from: string, to: string): void {
  const source = findBox(db, accountId, from);
  if (!source) throw new MailboxError('not_found', `mailbox ${from} does not exist`);
  if (findBox(db, accountId, to)) throw new MailboxError('exists', `mailbox ${to} already exists`);
  if (from !== 'INBOX' && isInferior(to, from)) throw new MailboxError('invalid', 'a mailbox cannot be moved into itself');
  if (from === 'INBOX') {
    renameInbox(db, accountId, source, to);
    return;
  }
  const inferiors = listBoxes(db, accountId).filter((b) => isInferior(b.name, from));
  for (const b of inferiors) {
    const target = to + b.name.slice(from.length);
    if (findBox(db, accountId, target)) throw new MailboxError('exists', `mailbox ${target} already exists`);
  }
  createParents(db, accountId, to);
  const rename = stmt(db, 'UPDATE mailboxes SET name = ? WHERE id = ?');
  const resubscribe = stmt(db, 'UPDATE OR IGNORE mailbox_subscriptions SET name = ? WHERE account_id = ? AND name = ?');
  for (const b of [source, ...inferiors]) {
    const target = to + b.name.slice(from.length);
    rename.run(target, b.id);
    // Clients expect a renamed folder to stay subscribed; a stale subscription under the old name is
    // left alone if the new name was already subscribed.
    resubscribe.run(target, accountId, b.name);
  }
}

/** RFC 3501 6.3.5: INBOX's mail moves to a new mailbox and INBOX stays, empty; its children stay too. */
function renameInbox(db: Db, accountId: number, inbox: MailboxInfo, to: string): void {
  createParents(db, accountId, to);
  const target = insertBox(db, accountId, to);
  const uids = stmt(db, 'SELECT uid FROM mail WHERE mailbox_id = ? ORDER BY uid').pluck().all(inbox.id) as number[];
  const move = stmt(db, 'UPDATE mail SET mailbox_id = ?, uid = ? WHERE mailbox_id = ? AND uid = ?');
  uids.forEach((uid, i) => move.run(target.id, i + 1, inbox.id, uid));
  stmt(db, 'UPDATE mailboxes SET uid_next = ? WHERE id = ?').run(uids.length + 1, target.id);
  if (uids.length > 0) bumpModseq(db, inbox.id);
}

export function bumpModseq(db: Db, mailboxId: number): void {
  stmt(db, 'INSERT INTO mailbox_state (mailbox_id, modseq) VALUES (?, 1) ON CONFLICT (mailbox_id) DO UPDATE SET modseq = modseq + 1').run(mailboxId);
}

export function listSubscribed(db: Db, accountId: number): string[] {
  return stmt(db, 'SELECT name FROM mailbox_subscriptions WHERE account_id = ? ORDER BY name').pluck().all(accountId) as string[];
}

export function setSubscribed(db: Db, accountId: number, name: string, subscribed: boolean): void {
  if (subscribed) stmt(db, 'INSERT OR IGNORE INTO mailbox_subscriptions (account_id, name) VALUES (?, ?)').run(accountId, name);
  else stmt(db, 'DELETE FROM mailbox_subscriptions WHERE account_id = ? AND name = ?').run(accountId, name);
}
