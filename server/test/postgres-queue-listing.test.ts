// The PostgreSQL queue listing at scale depends on two things kept by triggers (migrations-queue-listing.ts):
// per-state counts written by every backend into rows of its own, and a search table with a trigram
// index. Here: the counts agree with a real count after concurrent work from several nodes (pools), rows
// of backends that have gone fold into slot 0 without changing a total, and a search table row goes with
// its message.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres/postgres-store.ts';
import { foldGoneBackends, readQueueCounts } from '../src/store/postgres/queue-counts.ts';
import type { Store } from '../src/store/store.ts';
import type { NewMessage } from '../src/store/types.ts';
import { createTestDatabase, postgresAvailable, resetTestDatabase } from './helpers/postgres.ts';
import { waitFor } from './helpers/mailbox.ts';

describe.runIf(postgresAvailable())('PostgreSQL queue listing: counts and search table', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  const open: Store[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('pg_queue_listing');
  });
  beforeEach(async () => {
    await resetTestDatabase(db.url);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await client.end();
  });
  afterAll(async () => {
    await db?.drop();
  });
  const node = async (name: string) => {
    const store = await openPostgresStore(db.url, { nodeName: name, poolSize: 4 });
    open.push(store);
    return store;
  };
  let seq = 0;
  const message = (domain: string): NewMessage => {
    seq++;
    return { id: `L${String(seq).padStart(6, '0')}`, sender: 's@src.test', recipients: [{ address: `u${seq}@${domain}`, destination: 'remote' }], content: Buffer.from('x'), source: 'smtp' };
  };
  const realCounts = async () => {
    const counts = { queued: 0, deferred: 0, held: 0, in_flight: 0 };
    for (const r of (await client.query<{ state: keyof typeof counts; n: number }>('SELECT state, count(*)::int AS n FROM queue_messages GROUP BY state')).rows) counts[r.state] = r.n;
    return counts;
  };

  it('keeps per-state counts equal to a real count under concurrent work from two nodes, and folds gone backends', async () => {
    const [a, b] = [await node('a'), await node('b')];
    // Accepted in batches on both nodes at once (group commit inserts several messages per statement).
    await Promise.all([...Array(40)].map((_, i) => (i % 2 ? a : b).acceptMessages([message('one.test'), message('two.test')], Date.now(), false)));
    const now = Date.now() + 60_000;
    const retry = () => now + 3_600_000;
    // Claims from both nodes at once; half deferred, half delivered (the message leaves the queue).
    const jobs = await Promise.all([...Array(30)].map((_, i) => (i % 2 ? a : b).claimNextJob(now, retry, new Set())));
    await Promise.all(
      jobs.map((job, i) =>
        job
          ? (i % 2 ? a : b).recordOutcomes(
              job.messageId,
              job.recipients.map((r) => ({ recipientId: r.id, result: i % 3 ? ('deferred' as const) : ('delivered' as const), error: 'later' })),
              now,
            )
          : null,
      ),
    );
    const listed = (await a.listQueue({ offset: 0, limit: 5 }, now)).items;
    await a.setHeld(listed[0]!.id, true);
    await b.setHeld(listed[1]!.id, true);
    await b.removeMessages({ search: 'two.test', state: 'queued' });
    const expected = await realCounts();
    expect(await readQueueCounts(client)).toEqual(expected);
    for (const state of ['queued', 'deferred', 'held'] as const) expect((await b.listQueue({ state, offset: 0, limit: 1 }, now)).total).toBe(expected[state]);
    expect(expected.deferred).toBeGreaterThan(0);

    // Rows of backends that have gone are folded into slot 0; live ones stay; totals do not move.
    await Promise.all(open.splice(0).map((s) => s.close()));
    const slotsBefore = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_state_counts WHERE slot <> 0')).rows[0]!.n;
    expect(slotsBefore).toBeGreaterThan(0);
    // A closed connection's backend leaves pg_stat_activity a moment after the client hangs up: fold until
    // the rows of all of them are gone (each fold takes what has gone by then).
    await waitFor(
      async () => {
        await foldGoneBackends(client);
        return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_state_counts WHERE slot <> 0')).rows[0]!.n;
      },
      (n) => n === 0,
      10_000,
      'the rows of closed backends folded into slot 0',
    );
    expect(await readQueueCounts(client)).toEqual(expected);
  });

  it('writes a search row per message and drops it with the message', async () => {
    const store = await node('a');
    await store.acceptMessages([message('find.test'), message('other.test')], Date.now(), false);
    expect((await client.query('SELECT search FROM queue_search ORDER BY message_id')).rows.map((r: { search: string }) => r.search.split('\u0001')[2])).toEqual([
      `u${seq - 1}@find.test`,
      `u${seq}@other.test`,
    ]);
    expect((await store.listQueue({ offset: 0, limit: 50, search: 'FIND.te' }, Date.now())).items.map((m) => m.id)).toEqual([`L${String(seq - 1).padStart(6, '0')}`]);
    await store.removeMessages({ search: 'find.test' });
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM queue_search')).rows[0]!.n).toBe(1);
  });
});
