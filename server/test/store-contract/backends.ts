// The store implementations the contract suite runs against: the embedded SQLite store and the
// PostgreSQL store, each opened fresh for every test. A contract test file does
//   describe.each(storeBackends('its-tag'))('$name', (backend) => { ... })
// and uses only the Store interface, so both back ends must give the same answers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { MailboxStore } from '../../src/store/mailbox-store.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createTestDatabase, postgresAvailable, resetTestDatabase } from '../helpers/postgres.ts';

export type FullStore = Store & MailboxStore;

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** A fresh, empty store; queueSearchCountMax as both stores take it (tests lower it). */
  open(options?: { queueSearchCountMax?: number }): Promise<FullStore>;
  /** A second store on the same data, as after a restart (PostgreSQL: the same node name). */
  reopen(): Promise<FullStore>;
  /** Removes the data of the last open(); call after closing its stores. */
  clear(): Promise<void>;
}

function sqliteBackend(): Backend {
  let dir = '';
  const file = () => path.join(dir, 'mailroom.db');
  return {
    name: 'sqlite',
    async open(extra = {}) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-contract-'));
      return openSqliteStore(file(), extra) as FullStore;
    },
    async reopen() {
      return openSqliteStore(file()) as FullStore;
    },
    async clear() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(tag: string): Backend {
  let database: Promise<{ url: string; drop: () => Promise<void> }> | null = null;
  afterAll(async () => {
    if (database) await (await database).drop();
  });
  const options = { nodeName: 'contract-node', poolSize: 4 };
  return {
    name: 'postgres',
    async open(extra = {}) {
      database ??= createTestDatabase(`contract_${tag}`);
      const { url } = await database;
      await resetTestDatabase(url);
      return (await openPostgresStore(url, { ...options, ...extra })) as FullStore;
    },
    async reopen() {
      return (await openPostgresStore((await database!).url, options)) as FullStore;
    },
    async clear() {},
  };
}

/** SQLite always; PostgreSQL when it answers (else SKIPPED locally, a failure in CI). */
export function storeBackends(tag: string): Backend[] {
  return postgresAvailable() ? [sqliteBackend(), postgresBackend(tag)] : [sqliteBackend()];
}
