// Opens the SQLite database with the settings durability depends on, and applies migrations.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openSqlite(file: string): Db {
  const db = openConnection(file);
  migrate(db);
  return db;
}

/**
 * One more connection with the same durability settings, without touching the schema: for a second
 * writer in this process (the accept worker) once openSqlite has migrated the file.
 */
export function openConnection(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL lets the CLI, readers and the accept worker work while the server writes; synchronous=FULL
  // fsyncs the WAL on every commit, which is what makes "250 Ok" mean "survives a crash".
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this Mailroom (${MIGRATIONS.length}); upgrade Mailroom`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

const statementCaches = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * A prepared statement for this SQL, compiled once per connection. Compiling costs several times
 * more than running a small statement, and the queue runs the same few statements per message.
 * Only for fixed SQL texts (or a small bounded set of them): the cache is never trimmed.
 */
export function stmt(db: Db, source: string): Database.Statement {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  let statement = cache.get(source);
  if (!statement) {
    statement = db.prepare(source);
    cache.set(source, statement);
  }
  return statement;
}
