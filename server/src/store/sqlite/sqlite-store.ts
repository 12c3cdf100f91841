// The embedded store: one SQLite file in WAL mode. Composes the directory, queue and mailbox parts.
import type { Store } from '../store.ts';
import type { DatabaseInfo } from '../types.ts';
import { SqliteDirectory } from './directory.ts';
import { SqliteMailboxes } from './mailboxes.ts';
import { openSqlite, type Db } from './open.ts';
import { SqliteQueue } from './queue.ts';
import { SqliteQueueAdmin } from './queue-admin.ts';

export function openSqliteStore(file: string): Store {
  const db: Db = openSqlite(file);
  const info: DatabaseInfo = {
    driver: 'sqlite',
    version: db.prepare('SELECT sqlite_version()').pluck().get() as string,
    location: file,
  };
  const parts = [new SqliteDirectory(db), new SqliteQueue(db), new SqliteQueueAdmin(db), new SqliteMailboxes(db)];
  const store = { info, close: async () => void db.close() } as Partial<Store>;
  // Bind every method of each part onto one object, so callers see a single Store.
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(part))) {
      if (name === 'constructor') continue;
      const fn = (part as unknown as Record<string, unknown>)[name];
      if (typeof fn === 'function') (store as Record<string, unknown>)[name] = fn.bind(part);
    }
  }
  return store as Store;
}
