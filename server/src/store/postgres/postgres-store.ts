// The PostgreSQL store: one connection pool shared by the directory, queue, mailbox, quarantine,
// external POP3 account and ban parts. Opening checks the connection (one clear line when it fails),
// applies migrations under an advisory lock and starts the group-commit writer for new mail.
import { PgGreylist } from './greylist.ts';
import { PgHistory } from './history.ts';
import os from 'node:os';
import type { Store } from '../store.ts';
import { PgQuotas } from './quota.ts';
import type { DatabaseInfo } from '../types.ts';
import { PgAcceptWriter } from './accept-writer.ts';
import { PgBans } from './bans.ts';
import { PgDkimKeys } from './dkim-keys.ts';
import { PgLists } from './lists.ts';
import { PgRoutes } from './routes.ts';
import { PgChangeFeed } from './change-feed.ts';
import { PgDirectory } from './directory.ts';
import { PgFetchAccounts } from './fetch-accounts.ts';
import { PgMailboxes } from './mailboxes.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations.ts';
import { PgNodes } from './nodes.ts';
import { explainOpenError } from './open-errors.ts';
import { createPool } from './pool.ts';
import { PgQuarantine } from './quarantine.ts';
import { PgQueue } from './queue.ts';
import { PgQueueAdmin } from './queue-admin.ts';
import { parsePostgresUrl } from './url.ts';

export interface PostgresStoreOptions {
  /** cluster.node_name: who holds a lease on recipients in flight. Default: the host name. */
  nodeName?: string;
  /** cluster.lease_seconds. Default 60. */
  leaseSeconds?: number;
  /** database.fsync = optimized (the default): flag changes and expunges commit without waiting for the WAL flush. */
  relaxedMailboxChanges?: boolean;
  /** Connections in the pool. */
  poolSize?: number;
  /** An idle connection failed (the database went away); the next query reconnects. */
  onConnectionError?: (err: Error) => void;
  onLeaseLost?: (count: number) => void;
  /** Messages per committed acceptMessages transaction (tests look at group commit with it). */
  onAcceptCommit?: (messages: number) => void;
  /** Matches a queue search counts exactly before it answers "at least" (default 10,000; tests lower it). */
  queueSearchCountMax?: number;
}

export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const conn = parsePostgresUrl(url);
  const pool = createPool(conn, { max: options.poolSize ?? 10, onIdleError: options.onConnectionError ?? (() => undefined) });
  let version: string;
  try {
    version = (await pool.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    await migrate(pool, conn.masked);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw explainOpenError(err, conn);
  }
  const info: DatabaseInfo = { driver: 'postgres', version, location: conn.masked };
  const writer = new PgAcceptWriter(pool, { onCommit: options.onAcceptCommit });
  // Other nodes' bans and queue actions are heard at once rather than at the next poll.
  const changes = new PgChangeFeed(conn, options.onConnectionError);
  await changes.start();
  const lease = { nodeName: options.nodeName ?? os.hostname(), leaseMs: (options.leaseSeconds ?? 60) * 1000, onLeaseLost: options.onLeaseLost };
  const parts = [
    new PgDirectory(pool),
    new PgQueue(pool, writer, lease),
    new PgQueueAdmin(pool, options.queueSearchCountMax),
    new PgMailboxes(pool, options.relaxedMailboxChanges ?? true),
    new PgQuarantine(pool),
    new PgFetchAccounts(pool),
    new PgBans(pool),
    new PgGreylist(pool),
    new PgQuotas(pool),
    new PgDkimKeys(pool),
    new PgHistory(pool),
    new PgRoutes(pool),
    new PgLists(pool),
  ];
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      await changes.close();
      await writer.close(); // answers the calls already made before the pool goes
      await pool.end();
    })());
  const store = { info, close, onChange: changes.onChange.bind(changes), cluster: new PgNodes(pool), schemaVersion: MIGRATIONS.length } as Partial<Store>;
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
