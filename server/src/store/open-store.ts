// Chooses the store implementation from database.url. Async because PostgreSQL is reached over the
// network (connection check and migrations); the SQLite path opens as it always did.
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import { openPostgresStore, type PostgresStoreOptions } from './postgres/postgres-store.ts';
import { isPostgresUrl, maskUrl } from './postgres/url.ts';
import { ConfigError } from '../config/load.ts';

/** Hooks the service wires to its logs and metrics (the store itself imports neither). */
export type StoreHooks = Pick<PostgresStoreOptions, 'onConnectionError' | 'onLeaseLost'>;

export async function openStore(config: Config, hooks: StoreHooks = {}): Promise<Store> {
  const url = config['database.url'];
  const relaxedMailboxChanges = config['database.fsync'] === 'optimized';
  const options = { acceptWorker: config['database.accept_worker'], relaxedMailboxChanges };
  if (url === undefined) return openSqliteStore(dataPath(config, 'mailroom.db'), options);
  if (url.startsWith('sqlite:')) return openSqliteStore(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''), options);
  if (isPostgresUrl(url)) return openPostgresStore(url, { nodeName: config['cluster.node_name'], leaseSeconds: config['cluster.lease_seconds'], relaxedMailboxChanges, ...hooks });
  throw new ConfigError('database.url', `invalid setting database.url: ${JSON.stringify(maskUrl(url))}: expected sqlite:PATH or postgres://user:password@host:port/database`);
}
