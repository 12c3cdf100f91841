// database.fsync (docs/durability.md): with `optimized` the changes that create no mail commit without
// waiting for the disk, and everything that stores mail still waits. On SQLite that is synchronous=NORMAL
// around exactly those transactions, back to FULL after each (even one that fails); on PostgreSQL
// `SET LOCAL synchronous_commit TO OFF`, which ends with its transaction.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../src/store/sqlite/directory.ts';
import { SqliteMailboxes } from '../src/store/sqlite/mailboxes.ts';
import { openSqlite, type Db } from '../src/store/sqlite/open.ts';
import { transaction } from '../src/store/postgres/pool.ts';
import { createTestDatabase, postgresAvailable } from './helpers/postgres.ts';

const FULL = 2;

describe('database.fsync on SQLite', () => {
  let dir: string;
  let db: Db;
  let pragmas: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-fsync-'));
    db = openSqlite(path.join(dir, 'mailroom.db'));
    pragmas = [];
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: Parameters<Db['pragma']>[1]) => {
      if (source.startsWith('synchronous')) pragmas.push(source);
      return pragma(source, options);
    }) as Db['pragma'];
  });

  afterEach(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function inbox(boxes: SqliteMailboxes): Promise<number> {
    const directory = new SqliteDirectory(db);
    await directory.addDomain('example.test');
    const account = await directory.addAccount('fsync@example.test', 'x');
    return (await boxes.findMailbox(account.id, 'INBOX'))!.id;
  }

  it('optimized: flags, \\Recent claims and expunges commit with NORMAL; stored mail with FULL', async () => {
    const boxes = new SqliteMailboxes(db, true);
    const box = await inbox(boxes);
    pragmas.length = 0;
    await boxes.appendMail(box, Buffer.from('Subject: a\r\n\r\nbody\r\n'), [], Date.now());
    await boxes.appendMail(box, Buffer.from('Subject: b\r\n\r\nbody\r\n'), [], Date.now());
    expect(pragmas).toEqual([]);
    await boxes.setFlags(box, [1], 'add', ['\\Deleted', '$Read']);
    await boxes.claimRecent(box);
    await boxes.expunge(box);
    await boxes.removeMail(box, [2]);
    expect(pragmas).toEqual(Array.from({ length: 4 }, () => ['synchronous = NORMAL', 'synchronous = FULL']).flat());
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
    expect(await boxes.listMail(box)).toEqual([]);
  });

  it('optimized: a relaxed transaction that fails leaves the connection at FULL', async () => {
    const boxes = new SqliteMailboxes(db, true) as unknown as { relaxedTx(fn: () => void): void };
    expect(() =>
      boxes.relaxedTx(() => {
        throw new Error('broken');
      }),
    ).toThrow('broken');
    expect(pragmas).toEqual(['synchronous = NORMAL', 'synchronous = FULL']);
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
  });

  it('always: every commit waits (no pragma switched)', async () => {
    const boxes = new SqliteMailboxes(db, false);
    const box = await inbox(boxes);
    await boxes.appendMail(box, Buffer.from('Subject: a\r\n\r\nbody\r\n'), [], Date.now());
    await boxes.setFlags(box, [1], 'add', ['\\Deleted']);
    await boxes.expunge(box);
    expect(pragmas).toEqual([]);
    expect(db.pragma('synchronous', { simple: true })).toBe(FULL);
  });
});

describe.runIf(postgresAvailable())('database.fsync on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase('store_fsync');
    // One connection: the check after a relaxed transaction runs on the very connection it used.
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const setting = async (c: pg.ClientBase | pg.Pool) => (await c.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;

  it('a relaxed transaction commits with synchronous_commit off, and only that transaction', async () => {
    expect(await transaction(pool, (c) => setting(c), { relaxed: true })).toBe('off');
    expect(await setting(pool)).toBe('on');
    expect(await transaction(pool, (c) => setting(c))).toBe('on');
    await expect(
      transaction(
        pool,
        async (c) => {
          await c.query('SELECT 1');
          throw new Error('broken');
        },
        { relaxed: true },
      ),
    ).rejects.toThrow('broken');
    expect(await setting(pool)).toBe('on');
  });
});
