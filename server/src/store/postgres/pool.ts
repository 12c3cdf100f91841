// The connection pool and the two ways this store talks through it: a single statement on any pooled
// connection, or a transaction on one connection held for its length.
import pg from 'pg';
import type { PgConnection } from './url.ts';

/** A pool or one checked-out connection: both run a statement. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

// Timestamps are milliseconds in BIGINT and ids are BIGINT identities: read them as numbers (they stay
// far below 2^53). COUNT(*) is BIGINT too.
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Connections kept at most (the accept writer holds one per commit in flight). */
  max?: number;
  /** Called with an error of an idle connection (the server went away); never thrown. */
  onIdleError?: (err: Error) => void;
}

export function createPool(conn: PgConnection, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    host: conn.host,
    port: conn.port,
    user: conn.user,
    password: conn.password,
    database: conn.database,
    ssl: conn.ssl,
    types,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mailroom',
    // "250" means committed and flushed: whatever the server's default, our sessions wait for the WAL flush.
    options: '-c synchronous_commit=on',
  });
  // Without a listener, an idle connection that the server closes (restart, pg_terminate_backend)
  // would be an unhandled 'error' event and end the process; the next query simply gets a new one.
  pool.on('error', (err) => options.onIdleError?.(err));
  return pool;
}

/**
 * A statement of a hot path, named so that PostgreSQL parses and plans it once per connection rather than
 * at every call (node-postgres prepares it on first use). One name, one text: a text that varies (a
 * VALUES list per row count) carries the variation in its name. Named statements live on a connection,
 * so a pooler in front of PostgreSQL must hand each client one server connection for its session
 * (PgBouncer's pool_mode = session; docs/postgresql.md).
 */
export const prepared = (name: string, text: string, values: unknown[]): pg.QueryConfig => ({ name, text, values });

/**
 * Runs fn in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws.
 * The default isolation (READ COMMITTED) with explicit row locks where a read decides a write.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(pool, fn, options);
    } catch (err) {
      // PostgreSQL ended this transaction to break a lock cycle with another one (rare: the queue's
      // transactions lock recipients before their message): run it again, a few times at most.
      if (sqlState(err) !== DEADLOCK_DETECTED || attempt === MAX_DEADLOCK_RETRIES) throw err;
    }
  }
}

const DEADLOCK_DETECTED = '40P01';
const MAX_DEADLOCK_RETRIES = 3;

export interface TransactionOptions {
  /**
   * COMMIT without waiting for the WAL flush (SET LOCAL synchronous_commit = off, this transaction only):
   * for changes that create no mail under database.fsync = optimized. A crash of PostgreSQL can undo the
   * last ones (the WAL writer flushes within 3 x wal_writer_delay); it never leaves them half done.
   */
  relaxed?: boolean;
}

async function once<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions): Promise<T> {
  const { client, lost } = await checkout(pool);
  let broken: Error | undefined;
  try {
    // One round trip either way: a simple query may hold two statements.
    await client.query(options.relaxed ? 'BEGIN; SET LOCAL synchronous_commit TO OFF' : 'BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
    throw err;
  } finally {
    // A connection whose ROLLBACK failed (or that died) is in an unknown state: the pool drops it.
    release(client, broken ?? lost());
  }
}

/**
 * A connection held by this store for a while (a transaction, the migrations). The pool listens for
 * errors only on idle connections; one that dies while held between two statements (the server went
 * away) would emit an 'error' nobody hears, and that ends the process. Held here, the error is kept
 * (lost() returns it) and the next statement fails as it should.
 */
export async function checkout(pool: pg.Pool): Promise<{ client: pg.PoolClient; lost: () => Error | undefined }> {
  const client = await pool.connect();
  let error: Error | undefined;
  const listener = (err: Error) => (error = err);
  client.on('error', listener);
  listeners.set(client, listener);
  return { client, lost: () => error };
}

const listeners = new WeakMap<pg.PoolClient, (err: Error) => void>();

/** Gives a connection from checkout() back; with an error, the pool closes it instead of reusing it. */
export function release(client: pg.PoolClient, err?: Error): void {
  const listener = listeners.get(client);
  if (listener) client.removeListener('error', listener);
  client.release(err);
}

/** The PostgreSQL error code (SQLSTATE) of a failed statement, if it is one. */
export const sqlState = (err: unknown): string | undefined => (err as { code?: unknown } | null)?.code as string | undefined;
export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
