// Chooses the store implementation from database.url.
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import { ConfigError } from '../config/load.ts';

export function openStore(config: Config): Store {
  const url = config['database.url'];
  const options = { acceptWorker: config['database.accept_worker'] };
  if (url === undefined) return openSqliteStore(dataPath(config, 'mailroom.db'), options);
  if (url.startsWith('sqlite:')) return openSqliteStore(url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, ''), options);
  if (/^postgres(ql)?:/.test(url)) {
    throw new ConfigError('database.url', 'invalid setting database.url: PostgreSQL support is not built yet; use sqlite: or leave it unset');
  }
  throw new ConfigError('database.url', `invalid setting database.url: ${JSON.stringify(url)}: expected sqlite:PATH or postgres://...`);
}
