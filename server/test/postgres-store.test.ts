// What only the PostgreSQL store has: nodes that start together migrate once (advisory lock), new mail
// from concurrent calls shares transactions (group commit), and the queue's leases keep two nodes on one
// database from delivering the same recipient, recording each other's outcomes or recovering each
// other's work, while work whose node died comes back once its lease expires.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../src/store/postgres/postgres-store.ts';
import { MIGRATIONS } from '../src/store/postgres/migrations.ts';
import type { Store } from '../src/store/store.ts';
import type { NewMessage, NewRecipient } from '../src/store/types.ts';
import { createTestDatabase, postgresAvailable, resetTestDatabase } from './helpers/postgres.ts';

describe.runIf(postgresAvailable())('PostgreSQL store', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const open: Store[] = [];
  const openNode = async (options: PostgresStoreOptions) => {
    const store = await openPostgresStore(db.url, { poolSize: 4, ...options });
    open.push(store);
    return store;
  };

  beforeAll(async () => {
    db = await createTestDatabase('pg_store');
  });
  beforeEach(async () => {
    await resetTestDatabase(db.url);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await db?.drop();
  });

  let seq = 0;
  const message = (recipients: NewRecipient[]): NewMessage => {
    seq++;
    return { id: `P${String(seq).padStart(5, '0')}`, sender: 'sender@far.test', recipients, content: Buffer.from(`Subject: p${seq}\r\n\r\nbody\r\n`), source: 'smtp' };
  };
  const remote = (address: string): NewRecipient => ({ address, destination: 'remote' });
  const T0 = Date.now() + 3_600_000;
  const retry60 = (now: number) => () => now + 60_000;

  it('migrates once when several nodes open a fresh database together', async () => {
    const stores = await Promise.all(['a', 'b', 'c', 'd'].map((n) => openNode({ nodeName: n })));
    expect(stores).toHaveLength(4);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    } finally {
      await client.end();
    }
  });

  it('stores message bodies with lz4 compression where the server has it (this one does: Debian builds it in)', async () => {
    await openNode({ nodeName: 'a' });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ relname: string; attcompression: string }>(
        `SELECT c.relname, a.attcompression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         WHERE c.relname IN ('mail', 'queue_content', 'quarantine') AND a.attname = 'content' ORDER BY c.relname`,
      );
      expect(rows).toEqual([
        { relname: 'mail', attcompression: 'l' },
        { relname: 'quarantine', attcompression: 'l' },
        { relname: 'queue_content', attcompression: 'l' },
      ]);
    } finally {
      await client.end();
    }
  });

  it('puts concurrent acceptMessages calls into shared transactions', async () => {
    const commits: number[] = [];
    const store = await openNode({ nodeName: 'a', onAcceptCommit: (n) => commits.push(n) });
    const calls = Array.from({ length: 40 }, () => store.acceptMessages([message([remote('x@far.test')])], Date.now(), true));
    await Promise.all(calls);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(40);
    // The first call commits alone; the 39 that arrived meanwhile share what follows.
    expect(commits.length).toBeLessThan(40);
    expect(commits.length).toBeGreaterThanOrEqual(2);
    expect((await store.listQueue({ offset: 0, limit: 1 }, Date.now())).total).toBe(40);
  });

  it('survives its connections being terminated mid-transaction: calls fail alone, the next ones succeed', async () => {
    const store = await openNode({ nodeName: 'a' });
    await store.addDomain('example.test');
    const ann = await store.addAccount('ann@example.test', 'x');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const outcomes: string[] = [];
    try {
      for (let round = 0; round < 5; round++) {
        const calls = Array.from({ length: 30 }, () =>
          store.acceptMessages([message([{ address: ann.address, destination: 'local', accountId: ann.id }, remote('x@far.test')])], Date.now(), true).then(
            () => 'ok',
            () => 'failed',
          ),
        );
        // Cut every connection of the store while its transactions run (what a database restart does).
        await new Promise((r) => setTimeout(r, round * 3));
        await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'mailroom'`);
        outcomes.push(...(await Promise.all(calls)));
      }
    } finally {
      await admin.end();
    }
    // Every call answered; what was answered ok is there, once.
    expect(outcomes).toHaveLength(150);
    const ok = outcomes.filter((o) => o === 'ok').length;
    await store.acceptMessages([message([remote('after@far.test')])], Date.now(), true);
    expect((await store.listQueue({ offset: 0, limit: 1 }, Date.now())).total).toBe(ok + 1);
    const inbox = (await store.findMailbox(ann.id, 'INBOX'))!;
    expect(await store.listMail(inbox.id)).toHaveLength(ok);
  });

  it('gives concurrent writers on several nodes distinct UIDs in one mailbox and keeps every flag change', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map((n) => openNode({ nodeName: n })));
    await nodes[0]!.addDomain('example.test');
    const ann = await nodes[0]!.addAccount('ann@example.test', 'x');
    const inbox = (await nodes[0]!.findMailbox(ann.id, 'INBOX'))!;
    const appended = await Promise.all(nodes.flatMap((node, n) => Array.from({ length: 20 }, (_, i) => node.appendMail(inbox.id, Buffer.from(`Subject: ${n}-${i}\r\n\r\nx\r\n`), [], Date.now()))));
    expect(appended.map((a) => a.uid).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // Two nodes add different keywords to the same messages at once: both changes stay.
    const uids = appended.map((a) => a.uid);
    await Promise.all([nodes[1]!.setFlags(inbox.id, uids, 'add', ['$one']), nodes[2]!.setFlags(inbox.id, uids, 'add', ['$two']), nodes[0]!.setFlags(inbox.id, uids, 'add', ['\\Seen'])]);
    const mail = await nodes[0]!.listMail(inbox.id);
    expect(mail.every((m) => ['$one', '$two', '\\Seen'].every((f) => m.flags.includes(f)))).toBe(true);
    expect((await nodes[0]!.mailboxStatus(inbox.id))!).toMatchObject({ messages: 60, unseen: 0, uidNext: 61 });
  });

  it('never hands one recipient to two nodes, even when they claim at once', async () => {
    const a = await openNode({ nodeName: 'a' });
    const b = await openNode({ nodeName: 'b' });
    for (let i = 0; i < 30; i++) await a.enqueue(message([remote(`r${i}@d${i}.test`)]));
    const claimAll = async (s: Store) => {
      const ids: number[] = [];
      for (;;) {
        const job = await s.claimNextJob(T0, retry60(T0), new Set());
        if (!job) return ids;
        ids.push(...job.recipients.map((r) => r.id));
      }
    };
    const [fromA, fromB] = await Promise.all([claimAll(a), claimAll(b)]);
    expect(fromA.length + fromB.length).toBe(30);
    expect(new Set([...fromA, ...fromB]).size).toBe(30);
    expect(fromA.length).toBeGreaterThan(0);
    expect(fromB.length).toBeGreaterThan(0);
  });

  it('records an outcome only on the node that holds the lease, and recovers only its own work', async () => {
    const lost: number[] = [];
    const a = await openNode({ nodeName: 'a', onLeaseLost: (n) => lost.push(n) });
    const b = await openNode({ nodeName: 'b', onLeaseLost: (n) => lost.push(n) });
    const m1 = message([remote('x@one.test')]);
    const m2 = message([remote('y@two.test')]);
    await a.enqueue(m1);
    await a.enqueue(m2);
    const jobA = (await a.claimNextJob(T0, retry60(T0), new Set()))!;
    const jobB = (await b.claimNextJob(T0, retry60(T0), new Set()))!;
    // b reports on a's recipient: not its lease, nothing changes.
    await b.recordOutcomes(jobA.messageId, [{ recipientId: jobA.recipients[0]!.id, result: 'delivered' }], T0);
    expect((await a.getQueueMessage(jobA.messageId))!.recipients[0]!.state).toBe('in_flight');
    expect(lost).toEqual([1]);
    // A restart of a recovers a's work only.
    const aAgain = await openNode({ nodeName: 'a' });
    expect(await aAgain.recoverInFlight()).toBe(1);
    expect((await a.getQueueMessage(jobA.messageId))!.recipients[0]!.state).toBe('deferred');
    expect((await a.getQueueMessage(jobB.messageId))!.recipients[0]!.state).toBe('in_flight');
    // b still holds its lease and records its outcome.
    await b.recordOutcomes(jobB.messageId, [{ recipientId: jobB.recipients[0]!.id, result: 'delivered' }], T0);
    expect(await a.getQueueMessage(jobB.messageId)).toBeNull();
  });

  it('returns the work of a node whose lease expired to the queue, and ignores that node if it reports late', async () => {
    const lost: number[] = [];
    const dead = await openNode({ nodeName: 'dead', leaseSeconds: 30, onLeaseLost: (n) => lost.push(n) });
    const alive = await openNode({ nodeName: 'alive', leaseSeconds: 30 });
    await alive.addDomain('example.test');
    const ann = await alive.addAccount('ann@example.test', 'x');
    const m = message([{ address: ann.address, destination: 'local', accountId: ann.id }]);
    await alive.enqueue(m);
    const claimed = (await dead.claimNextJob(T0, retry60(T0), new Set()))!;
    // Within the lease: nothing for the other node, which knows when to look again.
    expect(await alive.claimNextJob(T0 + 29_000, retry60(T0 + 29_000), new Set())).toBeNull();
    expect(await alive.nextDueAt()).toBe(T0 + 30_000);
    // After it: the other node takes the work over and files the message.
    const taken = (await alive.claimNextJob(T0 + 31_000, retry60(T0 + 31_000), new Set()))!;
    expect(taken.recipients.map((r) => r.id)).toEqual(claimed.recipients.map((r) => r.id));
    expect(taken.recipients[0]!.attempts).toBe(2);
    const late = await dead.deliverLocal(m.id, [claimed.recipients[0]!.id], m.content, T0 + 32_000);
    expect(late).toEqual({ delivered: [], unfiled: [] });
    expect(lost).toEqual([1]);
    const done = await alive.deliverLocal(m.id, [taken.recipients[0]!.id], m.content, T0 + 32_000);
    expect(done.delivered).toHaveLength(1);
    const inbox = (await alive.findMailbox(ann.id, 'INBOX'))!;
    expect(await alive.listMail(inbox.id)).toHaveLength(1); // filed exactly once
  });
});
