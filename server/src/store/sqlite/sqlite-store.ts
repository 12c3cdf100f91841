// The embedded store: one SQLite file in WAL mode. Composes the directory, queue, mailbox, quarantine, external POP3 account and ban parts.
import { SqliteGreylist } from './greylist.ts';
import { SqliteHistory } from './history.ts';
import { SILENT_CHANGE_FEED } from '../change-feed.ts';
import path from 'node:path';
import type { Store } from '../store.ts';
import { SqliteQuotas } from './quota.ts';
import type { DatabaseInfo } from '../types.ts';
import { AcceptWriter } from './accept-writer.ts';
import { SqliteDirectory } from './directory.ts';
import { SqliteMailboxes } from './mailboxes.ts';
import { openSqlite, type Db } from './open.ts';
import { SqliteQuarantine } from './quarantine.ts';
import { SqliteFetchAccounts } from './fetch-accounts.ts';
import { SqliteBans } from './bans.ts';
import { SqliteDkimKeys } from './dkim-keys.ts';
import { SqliteLists } from './lists.ts';
import { SqliteRoutes } from './routes.ts';
import { SqliteQueue } from './queue.ts';
import { SqliteQueueAdmin } from './queue-admin.ts';
import { DiskReserve } from './disk-reserve.ts';
import { guardMethod } from './disk-guard.ts';
import { MIGRATIONS } from './migrations.ts';
import { SingleNode } from '../single-node.ts';

export interface SqliteStoreOptions {
  /** Commit accepted mail in a worker thread with its own connection (ignored for an in-memory database). */
  acceptWorker?: boolean;
  /** Matches a queue search counts exactly before it answers "at least" (default 10,000; tests lower it). */
  queueSearchCountMax?: number;
  /** database.fsync = optimized (the default): flag changes, \Recent claims and expunges commit without waiting for the disk. */
  relaxedMailboxChanges?: boolean;
}

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): Store {
  const db: Db = openSqlite(file);
  const inMemory = file === '' || file === ':memory:';
  const writer = (options.acceptWorker ?? false) && !inMemory ? new AcceptWriter(path.resolve(file)) : undefined;
  const info: DatabaseInfo = {
    driver: 'sqlite',
    version: db.prepare('SELECT sqlite_version()').pluck().get() as string,
    location: file,
  };
  const parts = [
    new SqliteDirectory(db),
    new SqliteQueue(db, writer),
    new SqliteQueueAdmin(db, options.queueSearchCountMax),
    new SqliteMailboxes(db, options.relaxedMailboxChanges ?? true),
    new SqliteQuarantine(db),
    new SqliteFetchAccounts(db),
    new SqliteBans(db),
    new SqliteGreylist(db),
    new SqliteQuotas(db),
    new SqliteDkimKeys(db),
    new SqliteHistory(db),
    new SqliteRoutes(db),
    new SqliteLists(db),
  ];
  const close = async () => {
    await writer?.close(); // answers the batches already sent before the connection goes
    db.close();
  };
  const store = { info, close, onChange: SILENT_CHANGE_FEED.onChange, cluster: new SingleNode(), schemaVersion: MIGRATIONS.length } as Partial<Store>;
  // On a file, keep a reserve of disk space beside it for deletions on a full disk (disk-guard.ts).
  const reserve = inMemory ? null : DiskReserve.beside(path.resolve(file));
  reserve?.ensure();
  // Bind every method of each part onto one object, so callers see a single Store.
  for (const part of parts) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(part))) {
      if (name === 'constructor') continue;
      const fn = (part as unknown as Record<string, unknown>)[name];
      if (typeof fn !== 'function') continue;
      const bound = fn.bind(part) as (...args: unknown[]) => Promise<unknown>;
      (store as Record<string, unknown>)[name] = reserve ? guardMethod(name, bound, reserve, db) : bound;
    }
  }
  return store as Store;
}
