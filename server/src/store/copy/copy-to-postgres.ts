// `mailroom db copy --to postgres://...`: the embedded store (one SQLite file) into an empty PostgreSQL
// database, for an operator whose single node grows into several. The whole copy is one PostgreSQL
// transaction: a copy that fails half way (or whose count check fails) leaves the target as empty as it
// found it, so it can simply be run again. The target's tables are locked against writers for its
// length, so "empty" still holds when the first row goes in. The source is read in one read transaction:
// the caller holds the data directory lock, so no server writes to it meanwhile.
import fs from 'node:fs';
import type pg from 'pg';
import type { Db } from '../sqlite/open.ts';
import { openSqlite } from '../sqlite/open.ts';
import { createPool, transaction } from '../postgres/pool.ts';
import { migrate } from '../postgres/migrate.ts';
import { explainOpenError } from '../postgres/open-errors.ts';
import { parsePostgresUrl } from '../postgres/url.ts';
import { columnKind, columnName, COPY_PLAN, type CopiedTable } from './copy-plan.ts';

/** A copy refused or failed for a reason the operator can act on (printed as one line). */
export class CopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyError';
  }
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyResult {
  target: string;
  counts: TableCount[];
  rows: number;
  bytes: number;
  ms: number;
}

export interface CopyProgress {
  /** Rows copied so far, of all tables. */
  done: number;
  total: number;
  table: string;
  tableDone: number;
  tableTotal: number;
}

// PostgreSQL takes at most 65,535 parameters per statement; a batch also stops at a few MiB of values,
// so a run of large messages does not build one huge statement.
const MAX_PARAMETERS = 60_000;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export async function copyToPostgres(sourceFile: string, targetUrl: string, onProgress: (p: CopyProgress) => void = () => undefined): Promise<CopyResult> {
  if (!fs.existsSync(sourceFile)) throw new CopyError(`no embedded store at ${sourceFile} (data_dir / database.url): nothing to copy`);
  const conn = parsePostgresUrl(targetUrl);
  const started = Date.now();
  const source = openSqlite(sourceFile); // brings an older file up to this version's schema first
  try {
    source.exec('BEGIN'); // one snapshot for every table and count
    const totals = COPY_PLAN.map((spec) => source.prepare(spec.count).pluck().get() as number);
    const total = totals.reduce((a, b) => a + b, 0);
    const pool = createPool(conn, { max: 1 });
    try {
      try {
        await migrate(pool, conn.masked);
      } catch (err) {
        throw explainOpenError(err, conn);
      }
      let bytes = 0;
      const counts = await transaction(pool, async (client) => {
        await lockAndCheckEmpty(client, conn.masked);
        let done = 0;
        for (const [i, spec] of COPY_PLAN.entries()) {
          let tableDone = 0;
          onProgress({ done, total, table: spec.table, tableDone, tableTotal: totals[i]! });
          bytes += await copyTable(source, client, spec, (rows) => {
            done += rows;
            tableDone += rows;
            onProgress({ done, total, table: spec.table, tableDone, tableTotal: totals[i]! });
          });
        }
        await finishCopy(source, client);
        const counts = await countTarget(client, totals);
        const wrong = counts.filter((c) => c.source !== c.target);
        if (wrong.length > 0) {
          throw new CopyError(`count check failed, nothing was kept: ${wrong.map((c) => `${c.table} ${c.source} in the source, ${c.target} copied`).join('; ')}`);
        }
        return counts;
      }).catch((err: unknown) => {
        if (err instanceof CopyError) throw err;
        throw new CopyError(`the copy to ${conn.masked} failed and nothing was kept (it runs as one transaction): ${(err as Error).message}`);
      });
      return { target: conn.masked, counts, rows: total, bytes, ms: Date.now() - started };
    } finally {
      await pool.end();
    }
  } finally {
    if (source.inTransaction) source.exec('ROLLBACK');
    source.close();
  }
}

/** Locks every copied table against writers, then refuses unless all are empty. */
async function lockAndCheckEmpty(client: pg.PoolClient, where: string): Promise<void> {
  const tables = COPY_PLAN.map((s) => s.table);
  // SHARE ROW EXCLUSIVE: others may read, nobody may write until the copy commits or rolls back.
  await client.query(`LOCK TABLE ${tables.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
  for (const table of tables) {
    const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table}) AS any`);
    if (rows[0]!.any) {
      throw new CopyError(`${where} is not empty (table ${table} has rows): db copy only fills an empty database; give it a new one (createdb) or drop this one's tables`);
    }
  }
}

/** Copies one table in multi-row INSERTs; returns the bytes of binary and text values sent. */
async function copyTable(source: Db, client: pg.PoolClient, spec: CopiedTable, onRows: (rows: number) => void): Promise<number> {
  const names = spec.columns.map(columnName);
  const booleans = spec.columns.map((c) => columnKind(c) === 'boolean');
  const maxRows = Math.floor(MAX_PARAMETERS / names.length);
  let batch: unknown[][] = [];
  let batchBytes = 0;
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${names.map((__, c) => `$${r * names.length + c + 1}`).join(', ')})`).join(', ');
    await client.query(`INSERT INTO ${spec.table} (${names.join(', ')}) VALUES ${values}`, batch.flat());
    onRows(batch.length);
    batch = [];
    batchBytes = 0;
  };
  for (const raw of source.prepare(spec.select).raw().iterate() as IterableIterator<unknown[]>) {
    const row = raw.map((v, i) => (booleans[i] ? v === 1 : v));
    for (const v of row) if (Buffer.isBuffer(v) || typeof v === 'string') batchBytes += v.length;
    batch.push(row);
    if (batch.length >= maxRows || batchBytes >= MAX_BATCH_BYTES) {
      bytes += batchBytes;
      await flush();
    }
  }
  bytes += batchBytes;
  await flush();
  return bytes;
}

/** What is not a row-for-row copy: the UIDVALIDITY counter, the queue summary, the identity sequences. */
async function finishCopy(source: Db, client: pg.PoolClient): Promise<void> {
  const lastUidValidity = (source.prepare('SELECT last FROM mailbox_uid_validity WHERE id = 1').pluck().get() as number | undefined) ?? 0;
  await client.query('UPDATE mailbox_uid_validity SET last = GREATEST(last, $1) WHERE id = 1', [lastUidValidity]);
  await client.query(
    `UPDATE queue_messages m SET (in_flight, deferred, attempts, next_attempt_at) = (
       SELECT COUNT(*) FILTER (WHERE r.state = 'in_flight'), COUNT(*) FILTER (WHERE r.state = 'deferred'), COALESCE(MAX(r.attempts), 0),
              MIN(r.next_attempt_at) FILTER (WHERE r.state IN ('queued', 'deferred'))
       FROM queue_recipients r WHERE r.message_id = m.id)`,
  );
  for (const spec of COPY_PLAN) {
    if (!spec.identity) continue;
    // The next id handed out follows the largest copied one (1 for an empty table).
    await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${spec.identity}) FROM ${spec.table}), 0) + 1, false)`, [spec.table, spec.identity]);
  }
}

async function countTarget(client: pg.PoolClient, totals: readonly number[]): Promise<TableCount[]> {
  const counts: TableCount[] = [];
  for (const [i, spec] of COPY_PLAN.entries()) {
    const { rows } = await client.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${spec.table}`);
    counts.push({ table: spec.table, source: totals[i]!, target: Number(rows[0]!.n) });
  }
  return counts;
}
