// Applies MIGRATIONS under a session advisory lock, so nodes that start together take turns: the first
// applies what is missing, the others then find nothing to do. Each step is its own transaction and is
// recorded in schema_migrations. A database whose schema is newer than this build is refused: running
// old code on a newer schema could write rows the newer code does not expect.
import type pg from 'pg';
import { DatabaseUnavailableError } from '../database-unavailable.ts';
import { MIGRATIONS } from './migrations.ts';
import { checkout, release } from './pool.ts';

/** pg_advisory_lock key: "mailroom" in ASCII, so other applications on the database are unlikely to share it. */
export const MIGRATION_LOCK_KEY = 0x6d61696c726f6f6dn;

/** A kind of unavailability: this node cannot use the database until it is upgraded. */
export class SchemaTooNewError extends DatabaseUnavailableError {
  constructor(
    readonly found: number,
    readonly known: number,
    where: string,
  ) {
    super(`the schema of ${where} is at version ${found}, newer than this Mailroom knows (${known}): upgrade Mailroom on this node to the version the other nodes run`);
    this.name = 'SchemaTooNewError';
  }
}

/** Brings the schema up to date; returns the version it is at. */
export async function migrate(pool: pg.Pool, where: string, steps: readonly string[] = MIGRATIONS): Promise<number> {
  const { client, lost } = await checkout(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
      const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
      const current = rows[0]?.version ?? 0;
      if (current > steps.length) throw new SchemaTooNewError(current, steps.length, where);
      for (let version = current + 1; version <= steps.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(steps[version - 1]!);
          await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
      return steps.length;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
    }
  } finally {
    release(client, lost());
  }
}
