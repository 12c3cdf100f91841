// The mail list in columns for IMAP's shared mailbox view (MailboxStore.listMailColumns). Rows come as
// arrays (no object per message) and are copied into typed arrays; what costs here is the network and
// PostgreSQL's own reading, not the objects.
import type { MailColumns } from '../mailbox-store.ts';
import type { Queryable } from './pool.ts';

export async function listMailColumns(db: Queryable, mailboxId: number): Promise<MailColumns> {
  const { rows } = await db.query<unknown[]>({
    text: 'SELECT uid, id, modseq, size, internal_date, flags FROM mail WHERE mailbox_id = $1 ORDER BY uid',
    values: [mailboxId],
    rowMode: 'array',
  });
  const n = rows.length;
  const columns: MailColumns = {
    uids: new Uint32Array(n),
    ids: new Float64Array(n),
    modseqs: new Float64Array(n),
    sizes: new Float64Array(n),
    internalDates: new Float64Array(n),
    flags: new Array<string>(n),
  };
  for (let i = 0; i < n; i++) {
    const [uid, id, modseq, size, date, flags] = rows[i]!;
    columns.uids[i] = Number(uid);
    columns.ids[i] = Number(id);
    columns.modseqs[i] = Number(modseq);
    columns.sizes[i] = Number(size);
    columns.internalDates[i] = Number(date);
    columns.flags[i] = String(flags);
  }
  return columns;
}
