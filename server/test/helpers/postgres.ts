// The machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth) for tests: whether it answers,
// and databases a test file creates and drops itself. Names carry the file's tag and the process id,
// since test files run concurrently against the one server (in CI too). Without PostgreSQL a local run
// prints SKIPPED; in CI (CI=true) it fails, since .ci/run starts it.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

export const PG_HOST = process.env.MAILROOM_TEST_PG_HOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.MAILROOM_TEST_PG_PORT ?? 5432);
export const PG_USER = 'postgres';

let available: boolean | undefined;

/** True when PostgreSQL answers. Checked once per file, synchronously, so describe.each can use it. */
export function postgresAvailable(): boolean {
  if (available !== undefined) return available;
  const probe = `const c = new (require('pg').Client)({ host: ${JSON.stringify(PG_HOST)}, port: ${PG_PORT}, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end(), () => process.exit(1));`;
  available = spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (!available) {
    const message = `PostgreSQL does not answer at ${PG_HOST}:${PG_PORT} (the PostgreSQL store tests need it); .ci/run starts it`;
    if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
    console.warn(`SKIPPED: ${message}`);
  }
  return available;
}

export const postgresUrl = (database: string) => `postgres://${PG_USER}@${PG_HOST}:${PG_PORT}/${database}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: PG_HOST, port: PG_PORT, user: PG_USER, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database named after the test file (a leftover from an aborted run is replaced). */
export async function createTestDatabase(tag: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `mr_test_${tag.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  return { name, url: postgresUrl(name), drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))) };
}

/** Empties a test database: the schema goes, so the next store to open migrates it from scratch. */
export async function resetTestDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}
