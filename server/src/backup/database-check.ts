// Is this file a Mailroom database, and what is in it? Used on a fresh backup (its count line) and on a
// file before it is restored. Opened read-only; nothing is migrated here (the server does that at start).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../store/sqlite/migrations.ts';
import { BackupError } from './backup-error.ts';

const SQLITE_MAGIC = 'SQLite format 3\0';
const REQUIRED_TABLES = ['domains', 'accounts', 'aliases', 'mailboxes', 'mail', 'queue_messages', 'queue_recipients'];

export interface DatabaseCounts {
  schemaVersion: number;
  accounts: number;
  mailboxes: number;
  messages: number;
  queued: number;
  bytes: number;
}

function readMagic(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    fs.readSync(fd, head, 0, head.length, 0);
    return head.toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

export function checkMailroomDatabase(file: string): DatabaseCounts {
  if (!fs.existsSync(file)) throw new BackupError(`${file}: no such file`);
  if (!fs.statSync(file).isFile()) throw new BackupError(`${file}: not a file`);
  if (readMagic(file) !== SQLITE_MAGIC) throw new BackupError(`${file} is not a Mailroom database: not an SQLite file`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((t) => t.name));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (version < 1 || missing.length > 0) throw new BackupError(`${file} is not a Mailroom database: schema version ${version}, missing tables: ${missing.join(', ') || 'none'}`);
    if (version > MIGRATIONS.length) throw new BackupError(`${file} has schema version ${version}, newer than this Mailroom (${MIGRATIONS.length}); upgrade Mailroom first`);
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') throw new BackupError(`${file} is damaged (quick_check: ${check})`);
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { schemaVersion: version, accounts: count('accounts'), mailboxes: count('mailboxes'), messages: count('mail'), queued: count('queue_messages'), bytes: fs.statSync(file).size };
  } finally {
    db.close();
  }
}

export function describeCounts(c: DatabaseCounts): string {
  return `${c.messages} messages in ${c.mailboxes} mailboxes of ${c.accounts} accounts, ${c.queued} queued, ${mib(c.bytes)} MiB, schema version ${c.schemaVersion}`;
}

export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
