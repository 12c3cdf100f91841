// `mailroom restore`: puts a backup in place as the database of an empty data directory. Only an empty
// one: restoring over live data would silently drop whatever arrived since the backup, and an operator
// who means that moves the old directory aside first. The caller holds the data directory's lock, so no
// server can start on it meanwhile (and a running one makes the restore refuse before this is reached).
import fs from 'node:fs';
import path from 'node:path';
import { BackupError } from './backup-error.ts';
import { checkMailroomDatabase, describeCounts, type DatabaseCounts } from './database-check.ts';
import { asidePath, commitAside } from './durable-file.ts';

export interface RestoreTarget {
  dataDir: string;
  /** The database file the configuration points at (normally data_dir/mailroom.db). */
  databaseFile: string;
  /** Entries of the data directory that do not count (the lock file the caller holds). */
  ignore: readonly string[];
}

function refuseUnlessEmpty(target: RestoreTarget): void {
  const present = fs.existsSync(target.dataDir) ? fs.readdirSync(target.dataDir).filter((e) => !target.ignore.includes(e)) : [];
  if (present.length > 0) {
    const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? `, and ${present.length - 5} more` : '');
    throw new BackupError(`restore needs an empty data directory; ${target.dataDir} holds ${shown}: move it aside or point data_dir to a new directory`);
  }
  for (const suffix of ['', '-wal', '-shm']) {
    if (fs.existsSync(target.databaseFile + suffix)) throw new BackupError(`restore would replace the existing database ${target.databaseFile + suffix}: move it aside first`);
  }
}

export function restoreSqlite(file: string, target: RestoreTarget, report: (line: string) => void): DatabaseCounts {
  refuseUnlessEmpty(target);
  const counts = checkMailroomDatabase(file);
  report(`restore: ${file} is a Mailroom database: ${describeCounts(counts)}`);
  fs.mkdirSync(path.dirname(target.databaseFile), { recursive: true });
  const aside = asidePath(target.databaseFile);
  try {
    fs.copyFileSync(file, aside);
    commitAside(aside, target.databaseFile);
  } catch (err) {
    fs.rmSync(aside, { force: true });
    throw err;
  }
  report(`restore: restored into ${target.databaseFile}; start the server with mailroom serve`);
  return counts;
}
