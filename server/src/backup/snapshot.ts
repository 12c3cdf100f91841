// `mailroom backup`: an online copy of the SQLite store with VACUUM INTO. VACUUM INTO reads the whole
// database inside one read transaction, so the copy is the database as of one commit, and in WAL mode
// that read blocks no writer: the server keeps accepting mail meanwhile. The online backup API
// (better-sqlite3's db.backup) copies pages in steps and starts over whenever another connection writes
// between two steps; under a steady stream of mail it may never finish. VACUUM INTO also leaves out free
// pages, so the copy is compact. Its price: it is one statement, so progress is reported per phase.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BackupError } from './backup-error.ts';
import { checkMailroomDatabase, describeCounts, mib, type DatabaseCounts } from './database-check.ts';
import { asidePath, commitAside } from './durable-file.ts';

export function backupSqlite(source: string, target: string, report: (line: string) => void): DatabaseCounts {
  if (!fs.existsSync(source)) throw new BackupError(`no database at ${source} (database.url / data_dir): nothing to back up`);
  const resolved = path.resolve(target);
  if (resolved === path.resolve(source)) throw new BackupError(`the backup file ${target} is the database itself`);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  const aside = asidePath(resolved);
  fs.rmSync(aside, { force: true });
  const db = new Database(source, { fileMustExist: true });
  const started = Date.now();
  try {
    db.pragma('busy_timeout = 5000');
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    report(`backup: copying ${source} (${mib((pages - free) * pageSize)} MiB in use) to ${resolved} through ${path.basename(aside)}`);
    db.prepare('VACUUM INTO ?').run(aside);
  } catch (err) {
    fs.rmSync(aside, { force: true });
    throw err;
  } finally {
    db.close();
  }
  let counts: DatabaseCounts;
  try {
    counts = checkMailroomDatabase(aside);
    fs.chmodSync(aside, 0o600); // all the mail there is: readable by its owner only
    commitAside(aside, resolved);
  } catch (err) {
    fs.rmSync(aside, { force: true });
    throw err;
  }
  report(`backup: snapshot written and checked in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  report(`backup: ${resolved}: ${describeCounts(counts)}`);
  return counts;
}
