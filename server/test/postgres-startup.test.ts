// Start-up on PostgreSQL with the real command: a database that cannot be reached, is missing, refuses
// the login or has a newer schema gives one line on stderr that names the URL (password masked) and
// what to do, and a non-zero exit; `serve` included. The directory commands work on the same URL.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/mailroom.ts';
import { freePort } from './helpers/ports.ts';
import { createTestDatabase, PG_HOST, PG_PORT, postgresAvailable } from './helpers/postgres.ts';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function mailroom(url: string, ...args: string[]): Promise<Result> {
  const env = { ...process.env, MAILROOM_DATABASE_URL: url, MAILROOM_ADMIN_PORT: 'off', MAILROOM_SMTP_PORT: '0', MAILROOM_SUBMISSION_PORT: '0', MAILROOM_IMAP_PORT: '0', MAILROOM_POP3_PORT: '0' };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The one line of a refused start: no stack trace, the password never shown. */
function oneLine(r: Result, password: string): string {
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.includes('is not a Mailroom setting'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toContain(password);
  return lines[0]!;
}

describe.runIf(postgresAvailable())('PostgreSQL at start', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;

  beforeAll(async () => {
    db = await createTestDatabase('startup');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('an unreachable server: exit 69 (EX_UNAVAILABLE), the masked URL and what to check', async () => {
    const port = await freePort(); // nothing listens there
    const url = `postgres://mailroom:Sup3rSecret@127.0.0.1:${port}/mail`;
    for (const args of [['serve'], ['domain', 'list']]) {
      const r = await mailroom(url, ...args);
      expect(r.code).toBe(69);
      expect(oneLine(r, 'Sup3rSecret')).toBe(
        `mailroom: cannot reach PostgreSQL at postgres://mailroom:***@127.0.0.1:${port}/mail (connect ECONNREFUSED 127.0.0.1:${port}): check that PostgreSQL is running and that the host and port in database.url are right`,
      );
    }
  });

  it('a missing database: exit 78 (EX_CONFIG) and the command that creates it', async () => {
    const url = `postgres://postgres:Sup3rSecret@${PG_HOST}:${PG_PORT}/mr_no_such_db_${process.pid}`;
    const r = await mailroom(url, 'serve');
    expect(r.code).toBe(78);
    expect(oneLine(r, 'Sup3rSecret')).toContain(`database "mr_no_such_db_${process.pid}" does not exist: create it (createdb -h ${PG_HOST} -p ${PG_PORT} -U postgres mr_no_such_db_${process.pid})`);
  });

  it('a refused login (a role the server does not know): exit 78, check user and password', async () => {
    const url = `postgres://mr_nobody_${process.pid}:Sup3rSecret@${PG_HOST}:${PG_PORT}/postgres`;
    const r = await mailroom(url, 'domain', 'list');
    expect(r.code).toBe(78);
    expect(oneLine(r, 'Sup3rSecret')).toMatch(
      new RegExp(`^mailroom: PostgreSQL at postgres://mr_nobody_${process.pid}:\\*\\*\\*@.* refused the login \\(.*\\): check the user and password in database.url`),
    );
  });

  it('TLS asked of a server that has none: exit 78, check sslmode', async () => {
    const r = await mailroom(`${db.url.replace('postgres@', 'postgres:Sup3rSecret@')}?sslmode=require`, 'domain', 'list');
    const ssl = await (async () => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        return (await client.query<{ ssl: string }>('SHOW ssl')).rows[0]!.ssl;
      } finally {
        await client.end();
      }
    })();
    if (ssl === 'on') return expect(r.code).toBe(0); // this machine's server has TLS: require just works
    expect(r.code).toBe(78);
    expect(oneLine(r, 'Sup3rSecret')).toMatch(/^mailroom: PostgreSQL at postgres:\/\/postgres:\*\*\*@.*\?sslmode=require: TLS failed \(.*SSL.*\): check sslmode and sslrootcert in database.url$/);
  });

  it('migrates a fresh database, and the directory commands work on it', async () => {
    expect(await mailroom(db.url, 'domain', 'add', 'example.test')).toMatchObject({ code: 0, stdout: 'added domain example.test\n' });
    expect(await mailroom(db.url, 'account', 'add', 'ann@example.test', '--password', 'pw')).toMatchObject({ code: 0, stdout: 'added account ann@example.test\n' });
    expect(await mailroom(db.url, 'alias', 'add', 'info@example.test', 'ann@example.test')).toMatchObject({ code: 0 });
    expect((await mailroom(db.url, 'account', 'list')).stdout).toBe('ann@example.test\n');
    const r = await mailroom(db.url, 'account', 'add', 'ANN@example.test', '--password', 'pw');
    expect(r.code).toBe(1);
    expect(oneLine(r, 'pw2')).toBe('mailroom: ANN@example.test already exists as an account, alias or list');
  });

  it('a schema newer than this build: refuses to start and says to upgrade', async () => {
    await mailroom(db.url, 'domain', 'list'); // migrated
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations');
    const newer = rows[0]!.v + 1;
    await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [newer]);
    try {
      const r = await mailroom(db.url, 'serve');
      expect(r.code).toBe(69);
      expect(oneLine(r, 'x')).toBe(
        `mailroom: the schema of ${db.url} is at version ${newer}, newer than this Mailroom knows (${newer - 1}): upgrade Mailroom on this node to the version the other nodes run`,
      );
    } finally {
      await client.query('DELETE FROM schema_migrations WHERE version = $1', [newer]);
      await client.end();
    }
  });
});
