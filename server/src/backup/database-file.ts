// Which SQLite file the configuration points at (the same reading as store/open-store.ts). Backup and
// restore work on the file itself; on PostgreSQL they refuse and name the tools made for it.
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import { BackupError } from './backup-error.ts';

export function sqliteFile(config: Config, command: 'backup' | 'restore'): string {
  const url = config['database.url'];
  if (url === undefined) return dataPath(config, 'mailroom.db');
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  const tool = command === 'backup' ? 'pg_dump (e.g. pg_dump -Fc -f mailroom.dump DBNAME)' : 'pg_restore';
  throw new BackupError(`${command} works on the embedded SQLite store; database.url points to another database: use ${tool} (see docs/backup.md)`);
}
