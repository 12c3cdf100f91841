// Until MAILBOX_MIGRATION is appended to MIGRATIONS, the mailbox store applies it itself when it opens.
// The SQL is idempotent, so the later migration step is harmless on a database prepared this way.
import { MAILBOX_MIGRATION } from './migrations-mailbox.ts';
import { MIGRATIONS } from './migrations.ts';
import type { Db } from './open.ts';

export function ensureMailboxSchema(db: Db): void {
  if (MIGRATIONS.includes(MAILBOX_MIGRATION)) return;
  db.transaction(() => db.exec(MAILBOX_MIGRATION)).immediate();
}
