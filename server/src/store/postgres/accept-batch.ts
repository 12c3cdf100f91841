// The fast path of group commit: every message of a batch filed with a fixed number of statements,
// whatever the batch size (find each recipient's mailbox; lock and advance the mailboxes' UID and
// mod-sequence counters; insert every copy with one INSERT; record the history in two), where the
// per-message path costs five round trips a message. It runs on the writer's open transaction and either
// applies the whole batch or throws, and the writer then rolls back and takes the per-call path
// (savepoints), which rejects only the call at fault.
import type { AcceptedMessage, NewMessage } from '../types.ts';
import { prepared, type Queryable } from './pool.ts';
import { insertMessage } from './queue-rows.ts';
import { recordAcceptances, type Acceptance } from './history.ts';

export interface AcceptCall {
  messages: readonly NewMessage[];
  now: number;
  fileLocal: boolean;
}

interface Filing {
  call: number;
  message: NewMessage;
  accountId: number;
  folder: string;
  now: number;
}

/** Files and queues every message of every call; returns each call's results, in order. */
export async function acceptBatch(db: Queryable, calls: readonly AcceptCall[]): Promise<AcceptedMessage[][]> {
  // What each message files (once per account, as acceptOne does) and what it would queue.
  const filings: Filing[] = [];
  const plans = calls.map((call, c) =>
    call.messages.map((message) => {
      const accounts = new Set<number>();
      const queued = [];
      const filed: Filing[] = [];
      for (const r of message.recipients) {
        if (!call.fileLocal || r.destination !== 'local' || r.accountId === undefined) queued.push(r);
        else if (!accounts.has(r.accountId)) {
          accounts.add(r.accountId);
          filed.push({ call: c, message, accountId: r.accountId, folder: r.folder || 'INBOX', now: call.now });
        }
      }
      filings.push(...filed);
      return { message, now: call.now, queued, filed, local: message.recipients.filter((r) => call.fileLocal && r.destination === 'local' && r.accountId !== undefined) };
    }),
  );

  const mailboxOf = await findMailboxes(db, filings);
  const uids = await takeUidsFor(
    db,
    mailboxOf.filter((m): m is number => m !== null),
  );
  const rows = filings.map((f, i) => ({ f, mailboxId: mailboxOf[i]! })).filter((r) => r.mailboxId !== null);
  // One row of parameters per copy rather than arrays: node-postgres sends a Buffer parameter as binary,
  // but a Buffer inside an array as hex text, twice the bytes for the server to parse (at 100 KiB a
  // message that halved the accept rate). The batch is at most 256 messages, far below 65,535 parameters.
  // Each copy brings the UID and mod-sequence taken for it (the trigger then leaves the mailbox alone).
  if (rows.length > 0) {
    const params: unknown[] = [];
    const values = rows.map((r) => {
      const taken = uids.get(r.mailboxId)!;
      params.push(r.mailboxId, taken.nextUid++, taken.nextModseq++, r.f.now, r.f.message.content.length, r.f.message.id, r.f.message.content);
      const n = params.length;
      return `($${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
    });
    await db.query(prepared(`accept-file-${rows.length}`, `INSERT INTO mail (mailbox_id, uid, modseq, internal_date, size, queue_id, content) VALUES ${values.join(', ')}`, params));
  }
  // An account with no mailbox left (removed since RCPT): its recipients are queued instead, as on the slow path.
  const unfiled = new Set(filings.filter((_, i) => mailboxOf[i] === null));
  const results: AcceptedMessage[][] = [];
  const accepted: Acceptance[] = [];
  for (const perCall of plans) {
    const out: AcceptedMessage[] = [];
    for (const plan of perCall) {
      const lostAccounts = new Set(plan.filed.filter((f) => unfiled.has(f)).map((f) => f.accountId));
      const rest = [...plan.queued, ...plan.local.filter((r) => lostAccounts.has(r.accountId!))];
      accepted.push({ message: plan.message, now: plan.now, filed: plan.local.filter((r) => !lostAccounts.has(r.accountId!)).map((r) => r.address) });
      if (rest.length > 0) await insertMessage(db, { ...plan.message, recipients: rest }, plan.now);
      out.push({ id: plan.message.id, filed: plan.message.recipients.length - rest.length, queued: rest.length });
    }
    results.push(out);
  }
  await recordAcceptances(db, accepted);
  return results;
}

/** The mailbox each filing goes into (as filing.ts chooses it), null where the account has none. */
async function findMailboxes(db: Queryable, filings: readonly Filing[]): Promise<(number | null)[]> {
  if (filings.length === 0) return [];
  const { rows } = await db.query<{ mailbox_id: number | null }>(
    prepared(
      'accept-find-mailboxes',
      `SELECT (SELECT m.id FROM mailboxes m WHERE m.account_id = t.account_id AND ((t.folder = 'Junk' AND m.special_use = '\\Junk') OR m.name = t.folder OR m.name = 'INBOX')
             ORDER BY CASE WHEN t.folder = 'Junk' AND m.special_use = '\\Junk' THEN 0 WHEN m.name = t.folder THEN 1 ELSE 2 END, m.id LIMIT 1) AS mailbox_id
     FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(account_id, folder, n) ORDER BY t.n`,
      [filings.map((f) => f.accountId), filings.map((f) => f.folder)],
    ),
  );
  return rows.map((r) => r.mailbox_id);
}

/**
 * Takes as many UIDs and mod-sequences as filings per mailbox, one UPDATE for all (rather than the
 * per-row trigger's UPDATE for each copy); locks the mailboxes in id order, so two batches never deadlock.
 */
async function takeUidsFor(db: Queryable, mailboxIds: readonly number[]): Promise<Map<number, { nextUid: number; nextModseq: number }>> {
  const counts = new Map<number, number>();
  for (const id of mailboxIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  const ids = [...counts.keys()].sort((a, b) => a - b);
  const taken = new Map<number, { nextUid: number; nextModseq: number }>();
  if (ids.length === 0) return taken;
  await db.query(prepared('accept-lock-mailboxes', 'SELECT id FROM mailboxes WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE', [ids]));
  const { rows } = await db.query<{ id: number; first_uid: number; first_modseq: number }>(
    prepared(
      'accept-take-uids',
      `UPDATE mailboxes m SET uid_next = m.uid_next + t.n, modseq = m.modseq + t.n FROM unnest($1::bigint[], $2::int[]) AS t(id, n) WHERE m.id = t.id
       RETURNING m.id, m.uid_next - t.n AS first_uid, m.modseq - t.n + 1 AS first_modseq`,
      [ids, ids.map((id) => counts.get(id)!)],
    ),
  );
  for (const r of rows) taken.set(r.id, { nextUid: r.first_uid, nextModseq: r.first_modseq });
  return taken;
}
