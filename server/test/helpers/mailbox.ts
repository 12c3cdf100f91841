// Reads what landed in an account's mailbox straight from the SQLite file (until IMAP/POP3 exist,
// this is how tests see delivered mail). Read-only; WAL lets it read while the server writes.
import path from 'node:path';
import Database from 'better-sqlite3';

export interface Delivered {
  uid: number;
  mailbox: string;
  content: string;
}

export function mailboxContents(dataDir: string, address: string, mailbox = 'INBOX'): Delivered[] {
  const db = new Database(path.join(dataDir, 'mailroom.db'), { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare(
          `SELECT m.uid, b.name AS mailbox, m.content FROM mail m JOIN mailboxes b ON b.id = m.mailbox_id
           JOIN accounts a ON a.id = b.account_id WHERE a.address = ? AND b.name = ? ORDER BY m.uid`,
        )
        .all(address, mailbox) as Array<{ uid: number; mailbox: string; content: Buffer }>
    ).map((r) => ({ ...r, content: r.content.toString('utf8') }));
  } finally {
    db.close();
  }
}

export async function waitFor<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
