// Message operations of the SQLite mailbox store. Every change that a session could have cached moves a
// counter: new mail moves mailboxes.uid_next, flag changes and removals move mailbox_state.modseq.
import type { CopyResult, FlagOperation, FlagUpdate, MailboxStatus, MailboxVersion } from '../mailbox-store.ts';
import type { StoredMail } from '../types.ts';
import { applyFlags, checkKeywordLimit } from '../flag-changes.ts';
import { bumpModseq } from './mailbox-folders.ts';
import { stmt, type Db } from './open.ts';

type MailRow = Omit<StoredMail, 'flags'> & { flags: string };
const SELECT_MAIL = 'SELECT id, mailbox_id AS mailboxId, uid, flags, internal_date AS internalDate, size, modseq FROM mail';
const toMail = (r: MailRow): StoredMail => ({ ...r, flags: r.flags === '' ? [] : r.flags.split(' ') });
/** Matches rows whose space-separated flags contain \Seen (flags never contain spaces). */
const HAS_SEEN = `(' ' || flags || ' ') LIKE '% \\Seen %'`;

export function listMail(db: Db, mailboxId: number, fromUid = 1): StoredMail[] {
  return (stmt(db, `${SELECT_MAIL} WHERE mailbox_id = ? AND uid >= ? ORDER BY uid`).all(mailboxId, fromUid) as MailRow[]).map(toMail);
}

export function version(db: Db, mailboxId: number): MailboxVersion | null {
  const sql = 'SELECT b.uid_next AS uidNext, COALESCE(s.modseq, 0) AS modseq FROM mailboxes b LEFT JOIN mailbox_state s ON s.mailbox_id = b.id WHERE b.id = ?';
  return (stmt(db, sql).get(mailboxId) as MailboxVersion | undefined) ?? null;
}

export function versions(db: Db, mailboxIds: readonly number[]): Map<number, MailboxVersion> {
  const rows = stmt(
    db,
    `SELECT b.id, b.uid_next AS uidNext, COALESCE(s.modseq, 0) AS modseq FROM mailboxes b LEFT JOIN mailbox_state s ON s.mailbox_id = b.id
     WHERE b.id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(mailboxIds)) as Array<MailboxVersion & { id: number }>;
  return new Map(rows.map((r) => [r.id, { uidNext: r.uidNext, modseq: r.modseq }]));
}

export function firstRecentUid(db: Db, mailboxId: number): number {
  return (stmt(db, 'SELECT first_recent_uid FROM mailbox_state WHERE mailbox_id = ?').pluck().get(mailboxId) as number | undefined) ?? 1;
}

export function claimRecent(db: Db, mailboxId: number): number {
  const first = firstRecentUid(db, mailboxId);
  const uidNext = stmt(db, 'SELECT uid_next FROM mailboxes WHERE id = ?').pluck().get(mailboxId) as number | undefined;
  if (uidNext === undefined) return first;
  stmt(db, 'INSERT INTO mailbox_state (mailbox_id, first_recent_uid) VALUES (?, ?) ON CONFLICT (mailbox_id) DO UPDATE SET first_recent_uid = excluded.first_recent_uid').run(mailboxId, uidNext);
  return first;
}

export function status(db: Db, mailboxId: number): MailboxStatus | null {
  const box = stmt(db, 'SELECT uid_next AS uidNext, uid_validity AS uidValidity FROM mailboxes WHERE id = ?').get(mailboxId) as { uidNext: number; uidValidity: number } | undefined;
  if (!box) return null;
  const counts = stmt(db, `SELECT COUNT(*) AS messages, COALESCE(SUM(NOT ${HAS_SEEN}), 0) AS unseen, COALESCE(SUM(uid >= ?), 0) AS recent FROM mail WHERE mailbox_id = ?`).get(
    firstRecentUid(db, mailboxId),
    mailboxId,
  ) as { messages: number; unseen: number; recent: number };
  return { ...counts, ...box };
}

export function append(db: Db, mailboxId: number, content: Buffer, flags: readonly string[], internalDate: number): { uid: number; uidValidity: number } {
  const box = stmt(db, 'SELECT uid_next, uid_validity FROM mailboxes WHERE id = ?').get(mailboxId) as { uid_next: number; uid_validity: number } | undefined;
  if (!box) throw new Error(`mailbox ${mailboxId} does not exist`);
  stmt(db, 'INSERT INTO mail (mailbox_id, uid, flags, internal_date, size, content) VALUES (?, ?, ?, ?, ?, ?)').run(mailboxId, box.uid_next, flags.join(' '), internalDate, content.length, content);
  stmt(db, 'UPDATE mailboxes SET uid_next = uid_next + 1 WHERE id = ?').run(mailboxId);
  return { uid: box.uid_next, uidValidity: box.uid_validity };
}

export function setFlags(db: Db, mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince = Infinity): FlagUpdate {
  const get = stmt(db, `${SELECT_MAIL} WHERE mailbox_id = ? AND uid = ?`);
  // The trigger mail_modseq_update moves the mailbox's modseq and stamps the row.
  const update = stmt(db, 'UPDATE mail SET flags = ? WHERE id = ?');
  const modseqOf = stmt(db, 'SELECT modseq FROM mail WHERE id = ?').pluck();
  const changed: StoredMail[] = [];
  const modified: number[] = [];
  for (const uid of uids) {
    const row = get.get(mailboxId, uid) as MailRow | undefined;
    if (!row) continue;
    if (row.modseq > unchangedSince) {
      modified.push(uid);
      continue;
    }
    const mail = toMail(row);
    const next = applyFlags(mail.flags, op, flags);
    checkKeywordLimit(mail.flags, next);
    if (next.join(' ') === row.flags) continue;
    update.run(next.join(' '), row.id);
    changed.push({ ...mail, flags: next, modseq: modseqOf.get(row.id) as number });
  }
  return { changed, modified };
}

export function copy(db: Db, fromMailboxId: number, uids: readonly number[], toMailboxId: number): CopyResult {
  const target = stmt(db, 'SELECT uid_next, uid_validity FROM mailboxes WHERE id = ?').get(toMailboxId) as { uid_next: number; uid_validity: number } | undefined;
  if (!target) throw new Error(`mailbox ${toMailboxId} does not exist`);
  const exists = stmt(db, 'SELECT 1 FROM mail WHERE mailbox_id = ? AND uid = ?').pluck();
  // Flags and the internal date travel with the copy (RFC 3501 6.4.7); the content and its IMAP facts are
  // copied by the database, so a copy is not parsed again.
  const insert = stmt(
    db,
    `INSERT INTO mail (mailbox_id, uid, flags, internal_date, size, content)
     SELECT ?, ?, flags, internal_date, size, content FROM mail WHERE mailbox_id = ? AND uid = ?`,
  );
  const copyFacts = stmt(
    db,
    `INSERT INTO mail_facts (mail_id, version, envelope, bodystructure, body, header)
     SELECT ?, f.version, f.envelope, f.bodystructure, f.body, f.header FROM mail m JOIN mail_facts f ON f.mail_id = m.id WHERE m.mailbox_id = ? AND m.uid = ?`,
  );
  const parsed = stmt(db, 'DELETE FROM mail_facts_pending WHERE mail_id = ?');
  const result: CopyResult = { uidValidity: target.uid_validity, sourceUids: [], targetUids: [] };
  let next = target.uid_next;
  for (const uid of [...uids].sort((a, b) => a - b)) {
    if (!exists.get(fromMailboxId, uid)) continue;
    const copyId = insert.run(toMailboxId, next, fromMailboxId, uid).lastInsertRowid;
    if (copyFacts.run(copyId, fromMailboxId, uid).changes > 0) parsed.run(copyId);
    result.sourceUids.push(uid);
    result.targetUids.push(next++);
  }
  stmt(db, 'UPDATE mailboxes SET uid_next = ? WHERE id = ?').run(next, toMailboxId);
  return result;
}

export function remove(db: Db, mailboxId: number, uids: readonly number[]): number[] {
  const del = stmt(db, 'DELETE FROM mail WHERE mailbox_id = ? AND uid = ?');
  const removed = uids.filter((uid) => del.run(mailboxId, uid).changes > 0);
  if (removed.length > 0) bumpModseq(db, mailboxId);
  return removed;
}

export function expunge(db: Db, mailboxId: number, uids?: readonly number[]): number[] {
  const deleted = stmt(db, `SELECT uid FROM mail WHERE mailbox_id = ? AND (' ' || flags || ' ') LIKE '% \\Deleted %' ORDER BY uid`).pluck().all(mailboxId) as number[];
  const wanted = uids ? new Set(uids) : null;
  return remove(db, mailboxId, wanted ? deleted.filter((u) => wanted.has(u)) : deleted);
}
