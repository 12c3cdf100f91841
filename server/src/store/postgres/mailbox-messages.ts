// Message operations of the PostgreSQL mailbox store. Every change a session could have cached moves a
// counter: new mail moves mailboxes.uid_next, flag changes and removals move mailboxes.modseq. UIDs are
// handed out by an UPDATE of uid_next, whose row lock makes concurrent writers (other sessions, other
// nodes) take turns for the same mailbox.
import type pg from 'pg';
import type { CopyResult, FlagOperation, FlagUpdate, ImapFactName, ImapFacts, MailboxStatus, MailboxVersion } from '../mailbox-store.ts';
import type { StoredMail } from '../types.ts';
import { applyFlags, checkKeywordLimit } from '../flag-changes.ts';
import { bumpModseq } from './mailbox-folders.ts';
import type { Queryable } from './pool.ts';

type MailRow = Omit<StoredMail, 'flags'> & { flags: string };
const SELECT_MAIL = 'SELECT id, mailbox_id AS "mailboxId", uid, flags, internal_date AS "internalDate", size, modseq FROM mail';
const toMail = (r: MailRow): StoredMail => ({ ...r, flags: r.flags === '' ? [] : r.flags.split(' ') });
/** Rows whose space-separated flags contain the flag, in any case (flags never contain spaces). */
const hasFlag = (flag: string) => `position(' ${flag.toLowerCase()} ' in lower(' ' || flags || ' ')) > 0`;

export async function listMail(db: Queryable, mailboxId: number, fromUid = 1): Promise<StoredMail[]> {
  return (await db.query<MailRow>(`${SELECT_MAIL} WHERE mailbox_id = $1 AND uid >= $2 ORDER BY uid`, [mailboxId, fromUid])).rows.map(toMail);
}

export async function readMail(db: Queryable, id: number): Promise<Buffer | null> {
  return (await db.query<{ content: Buffer }>('SELECT content FROM mail WHERE id = $1', [id])).rows[0]?.content ?? null;
}

/** The mail column of each fact (migrations.ts, 11 and 12). */
const FACT_COLUMNS: Record<ImapFactName, string> = { envelope: 'imap_envelope', bodyStructure: 'imap_bodystructure', body: 'imap_body', header: 'imap_header' };

/** Only the facts asked for are read (FETCH ENVELOPE of a whole mailbox needs neither structure nor header). */
export async function readImapFacts<K extends ImapFactName>(db: Queryable, ids: readonly number[], version: number, fields: readonly K[]): Promise<Map<number, Pick<ImapFacts, K>>> {
  const columns = fields.map((name) => FACT_COLUMNS[name]).join(', ');
  const { rows } = await db.query<unknown[]>({ text: `SELECT id, ${columns} FROM mail WHERE id = ANY($1::bigint[]) AND imap_facts_version = $2`, values: [ids, version], rowMode: 'array' });
  const found = new Map<number, Pick<ImapFacts, K>>();
  for (const row of rows) {
    const facts = {} as Pick<ImapFacts, K>;
    fields.forEach((name, i) => (facts[name] = row[i + 1] as Pick<ImapFacts, K>[K]));
    found.set(Number(row[0]), facts);
  }
  return found;
}

/** One statement for the batch; an UPDATE of these columns fires no modseq trigger (only flags and mailbox_id do). */
export async function saveImapFacts(db: Queryable, facts: ReadonlyMap<number, ImapFacts>, version: number): Promise<void> {
  if (facts.size === 0) return;
  const all = [...facts.values()];
  await db.query(
    `UPDATE mail SET imap_envelope = v.envelope, imap_bodystructure = v.bodystructure, imap_body = v.body, imap_header = v.header, imap_facts_version = $6
     FROM unnest($1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::bytea[]) AS v(id, envelope, bodystructure, body, header) WHERE mail.id = v.id`,
    [[...facts.keys()], all.map((f) => f.envelope), all.map((f) => f.bodyStructure), all.map((f) => f.body), all.map((f) => f.header), version],
  );
}

export async function versions(db: Queryable, mailboxIds: readonly number[]): Promise<Map<number, MailboxVersion>> {
  const { rows } = await db.query<MailboxVersion & { id: number }>('SELECT id, uid_next AS "uidNext", modseq FROM mailboxes WHERE id = ANY($1::bigint[])', [mailboxIds]);
  return new Map(rows.map((r) => [r.id, { uidNext: r.uidNext, modseq: r.modseq }]));
}

export async function firstRecentUid(db: Queryable, mailboxId: number): Promise<number> {
  return (await db.query<{ first: number }>('SELECT first_recent_uid AS first FROM mailboxes WHERE id = $1', [mailboxId])).rows[0]?.first ?? 1;
}

/** One statement: the old first_recent_uid is returned and uid_next becomes the new one. */
export async function claimRecent(db: Queryable, mailboxId: number): Promise<number> {
  const { rows } = await db.query<{ first: number }>(
    `UPDATE mailboxes m SET first_recent_uid = m.uid_next
     FROM (SELECT id, first_recent_uid FROM mailboxes WHERE id = $1 FOR UPDATE) old
     WHERE m.id = old.id RETURNING old.first_recent_uid AS first`,
    [mailboxId],
  );
  return rows[0]?.first ?? 1;
}

export async function status(db: Queryable, mailboxId: number): Promise<MailboxStatus | null> {
  const { rows } = await db.query<MailboxStatus>(
    `SELECT b.uid_next AS "uidNext", b.uid_validity AS "uidValidity",
       (SELECT COUNT(*) FROM mail WHERE mailbox_id = b.id) AS messages,
       (SELECT COUNT(*) FROM mail WHERE mailbox_id = b.id AND NOT ${hasFlag('\\Seen')}) AS unseen,
       (SELECT COUNT(*) FROM mail WHERE mailbox_id = b.id AND uid >= b.first_recent_uid) AS recent
     FROM mailboxes b WHERE b.id = $1`,
    [mailboxId],
  );
  return rows[0] ?? null;
}

/** Takes `count` UIDs of the mailbox (locking its row until the transaction ends); null if it is gone. */
export async function takeUids(db: Queryable, mailboxId: number, count: number): Promise<{ first: number; uidValidity: number } | null> {
  const { rows } = await db.query<{ first: number; uid_validity: number }>('UPDATE mailboxes SET uid_next = uid_next + $2 WHERE id = $1 RETURNING uid_next - $2 AS first, uid_validity', [
    mailboxId,
    count,
  ]);
  return rows[0] ? { first: rows[0].first, uidValidity: rows[0].uid_validity } : null;
}

export async function append(c: pg.PoolClient, mailboxId: number, content: Buffer, flags: readonly string[], internalDate: number): Promise<{ uid: number; uidValidity: number }> {
  const taken = await takeUids(c, mailboxId, 1);
  if (!taken) throw new Error(`mailbox ${mailboxId} does not exist`);
  await c.query('INSERT INTO mail (mailbox_id, uid, flags, internal_date, size, content) VALUES ($1, $2, $3, $4, $5, $6)', [
    mailboxId,
    taken.first,
    flags.join(' '),
    internalDate,
    content.length,
    content,
  ]);
  return { uid: taken.first, uidValidity: taken.uidValidity };
}

export async function setFlags(c: pg.PoolClient, mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince = Infinity): Promise<FlagUpdate> {
  const { rows } = await c.query<MailRow>(`${SELECT_MAIL} WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) ORDER BY uid FOR UPDATE`, [mailboxId, uids]);
  const changed: StoredMail[] = [];
  const modified = new Set<number>();
  for (const row of rows) {
    if (row.modseq > unchangedSince) {
      modified.add(row.uid);
      continue;
    }
    const mail = toMail(row);
    const next = applyFlags(mail.flags, op, flags);
    checkKeywordLimit(mail.flags, next); // throws before anything is written: the transaction rolls back
    if (next.join(' ') === row.flags) continue;
    changed.push({ ...mail, flags: next });
  }
  // In the order the caller named the UIDs, as the SQLite store reports them.
  const inOrder = { changed: [] as StoredMail[], modified: uids.filter((uid) => modified.has(uid)) };
  if (changed.length === 0) return inOrder;
  // The trigger mail_modseq moves the mailbox's modseq and stamps each row.
  const stamped = await c.query<{ id: number; modseq: number }>(
    'UPDATE mail SET flags = t.flags FROM unnest($1::bigint[], $2::text[]) AS t(id, flags) WHERE mail.id = t.id RETURNING mail.id, mail.modseq',
    [changed.map((m) => m.id), changed.map((m) => m.flags.join(' '))],
  );
  const modseqs = new Map(stamped.rows.map((r) => [Number(r.id), Number(r.modseq)]));
  const order = new Map(uids.map((uid, i) => [uid, i]));
  inOrder.changed = changed.map((m) => ({ ...m, modseq: modseqs.get(Number(m.id)) ?? m.modseq })).sort((a, b) => order.get(a.uid)! - order.get(b.uid)!);
  return inOrder;
}

export async function copy(c: pg.PoolClient, fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult> {
  const present = (await c.query<{ uid: number }>('SELECT uid FROM mail WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) ORDER BY uid', [fromMailboxId, uids])).rows.map((r) => r.uid);
  const taken = await takeUids(c, toMailboxId, present.length);
  if (!taken) throw new Error(`mailbox ${toMailboxId} does not exist`);
  const targetUids = present.map((_, i) => taken.first + i);
  // Flags and the internal date travel with the copy (RFC 3501 6.4.7); the content and its IMAP facts are
  // copied by the database, so a copy is not parsed again.
  if (present.length > 0) {
    await c.query(
      `INSERT INTO mail (mailbox_id, uid, flags, internal_date, size, content, imap_envelope, imap_bodystructure, imap_body, imap_header, imap_facts_version)
       SELECT $1, t.target, m.flags, m.internal_date, m.size, m.content, m.imap_envelope, m.imap_bodystructure, m.imap_body, m.imap_header, m.imap_facts_version FROM unnest($3::bigint[], $4::bigint[]) AS t(source, target)
       JOIN mail m ON m.mailbox_id = $2 AND m.uid = t.source`,
      [toMailboxId, fromMailboxId, present, targetUids],
    );
  }
  return { uidValidity: taken.uidValidity, sourceUids: present, targetUids };
}

export async function remove(db: Queryable, mailboxId: number, uids: readonly number[]): Promise<number[]> {
  const { rows } = await db.query<{ uid: number }>('DELETE FROM mail WHERE mailbox_id = $1 AND uid = ANY($2::bigint[]) RETURNING uid', [mailboxId, uids]);
  const gone = new Set(rows.map((r) => r.uid));
  if (gone.size > 0) await bumpModseq(db, mailboxId);
  // In the caller's order, each once.
  return uids.filter((uid) => gone.delete(uid));
}

export async function expunge(db: Queryable, mailboxId: number, uids?: readonly number[]): Promise<number[]> {
  const deleted = (await db.query<{ uid: number }>(`SELECT uid FROM mail WHERE mailbox_id = $1 AND ${hasFlag('\\Deleted')} ORDER BY uid FOR UPDATE`, [mailboxId])).rows.map((r) => r.uid);
  const wanted = uids ? new Set(uids) : null;
  return remove(db, mailboxId, wanted ? deleted.filter((u) => wanted.has(u)) : deleted);
}
