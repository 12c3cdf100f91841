// The mail list in columns for IMAP's shared mailbox view (MailboxStore.listMailColumns). SQLite builds
// each column as one comma-separated string over the covering index mail_listing, and the numbers are
// parsed here: six values cross into JavaScript instead of six per message, which is what made opening
// a 5,000-message mailbox cost 8 ms (an object per row) where this costs about 2.
import type { MailColumns } from '../mailbox-store.ts';
import { stmt, type Db } from './open.ts';

const COLUMNS_SQL = `SELECT count(*), group_concat(uid), group_concat(id), group_concat(modseq), group_concat(size), group_concat(internal_date),
   group_concat(flags, char(10))
 FROM (SELECT uid, id, modseq, size, internal_date, flags FROM mail WHERE mailbox_id = ? ORDER BY uid)`;

/** The rows one by one: the fallback should SQLite ever concatenate out of UID order. */
const ROWS_SQL = 'SELECT uid, id, modseq, size, internal_date, flags FROM mail WHERE mailbox_id = ? ORDER BY uid';

type ColumnsRow = [number, string | null, string | null, string | null, string | null, string | null, string | null];

export function listMailColumns(db: Db, mailboxId: number): MailColumns {
  const [n, uids, ids, modseqs, sizes, dates, flags] = stmt(db, COLUMNS_SQL).raw().get(mailboxId) as ColumnsRow;
  const columns: MailColumns = {
    uids: new Uint32Array(n),
    ids: new Float64Array(n),
    modseqs: new Float64Array(n),
    sizes: new Float64Array(n),
    internalDates: new Float64Array(n),
    flags: n === 0 ? [] : flags!.split('\n'),
  };
  if (n === 0) return columns;
  // Every column is NOT NULL, so each list has n entries; the check costs nothing beside the parse.
  // Integers are the rule (every write stores whole milliseconds); anything else takes the slow path.
  const complete = [
    parseIntegers(uids!, columns.uids),
    parseIntegers(ids!, columns.ids),
    parseIntegers(modseqs!, columns.modseqs),
    parseIntegers(sizes!, columns.sizes),
    parseIntegers(dates!, columns.internalDates),
  ].every((count) => count === n);
  if (complete && columns.flags.length === n && ascending(columns.uids)) return columns;
  return rowByRow(db, mailboxId);
}

/**
 * Parses "12,-3,40" into out; returns how many numbers it wrote, or -1 for anything but integers (a
 * value stored as REAL renders as "1.5"; the caller then reads row by row).
 */
export function parseIntegers(text: string, out: Uint32Array | Float64Array): number {
  let count = 0;
  let value = 0;
  let negative = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      if (count < out.length) out[count] = negative ? -value : value;
      count++;
      value = 0;
      negative = false;
    } else if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (c === 45) negative = true;
    else return -1;
  }
  if (count < out.length) out[count] = negative ? -value : value;
  return count + 1;
}

function ascending(uids: Uint32Array): boolean {
  for (let i = 1; i < uids.length; i++) if (uids[i - 1]! >= uids[i]!) return false;
  return true;
}

function rowByRow(db: Db, mailboxId: number): MailColumns {
  const rows = stmt(db, ROWS_SQL).raw().all(mailboxId) as Array<[number, number, number, number, number, string]>;
  const n = rows.length;
  const columns: MailColumns = {
    uids: new Uint32Array(n),
    ids: new Float64Array(n),
    modseqs: new Float64Array(n),
    sizes: new Float64Array(n),
    internalDates: new Float64Array(n),
    flags: new Array<string>(n),
  };
  rows.forEach(([uid, id, modseq, size, date, flags], i) => {
    columns.uids[i] = uid;
    columns.ids[i] = id;
    columns.modseqs[i] = modseq;
    columns.sizes[i] = size;
    columns.internalDates[i] = date;
    columns.flags[i] = flags;
  });
  return columns;
}
