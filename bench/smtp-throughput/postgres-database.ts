// A fresh PostgreSQL database for one benchmark run of Mailroom on PostgreSQL, on the machine's server
// (127.0.0.1:5432, user postgres, trust auth: MAILROOM_BENCH_PG_URL points elsewhere), dropped afterwards,
// and the counts the runner polls. The runner asks for progress synchronously; the counts are read in the
// background when it asks, so polling costs nothing while the load runs (nobody asks then).
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { onCleanup } from './proc.ts';

const SERVER = process.env.MAILROOM_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';

/** True when the PostgreSQL server answers (checked before any run, so a missing one is a clear error). */
export function postgresAnswers(): boolean {
  const probe = `const c = new (require('pg').Client)({ connectionString: ${JSON.stringify(`${SERVER}/postgres`)}, connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end(), () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let serial = 0;

export interface BenchDatabase {
  url: string;
  /** The latest counts read (null before the first read completes); asking starts another read. */
  progress(): { delivered: number; queued: number } | null;
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  if (!postgresAnswers()) throw new Error(`PostgreSQL does not answer at ${SERVER} (set MAILROOM_BENCH_PG_URL, or start it: pg_ctlcluster 15 main start)`);
  const name = `mailroom_bench_${process.pid}_${++serial}`;
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = `${SERVER}/${name}`;
  const reader = new pg.Client({ connectionString: url });
  await reader.connect();
  let latest: { delivered: number; queued: number } | null = null;
  let reading = false;
  const drop = onCleanup(`benchmark database ${name}`, async () => {
    await reader.end().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
  return {
    url,
    progress() {
      if (!reading) {
        reading = true;
        reader
          .query<{ delivered: string; queued: string }>(`SELECT (SELECT COUNT(*) FROM mail) AS delivered, (SELECT COUNT(*) FROM queue_messages) AS queued`)
          .then((r) => (latest = { delivered: Number(r.rows[0]!.delivered), queued: Number(r.rows[0]!.queued) }))
          .catch(() => undefined) // before the server migrated, the tables are missing: ask again
          .finally(() => (reading = false));
      }
      return latest ?? { delivered: -1, queued: -1 };
    },
    drop,
  };
}
