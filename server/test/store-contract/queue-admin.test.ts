// The admin half of the queue, the same on every store (SQLite and PostgreSQL): the listing (search,
// state filter, sort, paging) and the operator's actions (send now, hold, release, bounce, remove).
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { Store } from '../../src/store/store.ts';
import type { NewMessage, NewRecipient, QueueRecipient } from '../../src/store/types.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('queue_admin'))('$name', (backend) => {
  let store: FullStore;
  // Enqueue stamps the wall clock; "an hour from now" sees every test message as due.
  const T0 = Date.now() + 3_600_000;
  const retry60 = (now: number) => () => now + 60_000;
  const remote = (address: string): NewRecipient => ({ address, destination: 'remote' });

  beforeEach(async () => {
    store = await backend.open();
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  async function enqueue(id: string, sender: string, recipients: NewRecipient[], size = 10): Promise<NewMessage> {
    const m: NewMessage = { id, sender, recipients, content: Buffer.alloc(size, 'x'), source: 'smtp' };
    await store.enqueue(m);
    return m;
  }

  /** Claims one job of message `id` and records a deferral for it, as a failed attempt would. */
  async function deferOnce(id: string, now: number, error = '451 4.3.0 later'): Promise<void> {
    for (;;) {
      const job = await store.claimNextJob(now, retry60(now), new Set());
      if (!job) throw new Error(`no job for ${id}`);
      await store.recordOutcomes(
        job.messageId,
        job.recipients.map((r) => ({ recipientId: r.id, result: 'deferred' as const, error })),
        now,
      );
      if (job.messageId === id) return;
    }
  }

  describe('listQueue', () => {
    beforeEach(async () => {
      await enqueue('AAA100', 'alice@one.test', [remote('x@dest.test')], 300);
      await enqueue('BBB200', 'bob@two.test', [remote('Carol@Dest.test'), remote('dave@other.test')], 100);
      await enqueue('CCC300', '', [remote('erin@third.test')], 200);
      await enqueue('DDD400', 'under_score%@four.test', [remote('frank@four.test')], 400);
    });

    const ids = async (req: Parameters<Store['listQueue']>[0]) => (await store.listQueue(req, T0)).items.map((m) => m.id);

    it('lists everything by creation time with a total', async () => {
      const page = await store.listQueue({ offset: 0, limit: 50 }, T0);
      expect(page.total).toBe(4);
      expect(page.items.map((m) => m.id)).toEqual(['AAA100', 'BBB200', 'CCC300', 'DDD400']);
      expect(page.items[1]!.recipients.map((r) => r.address)).toEqual(['Carol@Dest.test', 'dave@other.test']);
    });

    it('searches the queue id, the sender and recipients, case-insensitively', async () => {
      expect(await ids({ offset: 0, limit: 50, search: 'bbb2' })).toEqual(['BBB200']);
      expect(await ids({ offset: 0, limit: 50, search: 'ALICE@' })).toEqual(['AAA100']);
      expect(await ids({ offset: 0, limit: 50, search: 'carol@dest' })).toEqual(['BBB200']);
      expect(await ids({ offset: 0, limit: 50, search: 'dest.test' })).toEqual(['AAA100', 'BBB200']);
      expect(await ids({ offset: 0, limit: 50, search: 'nothing-like-this' })).toEqual([]);
    });

    it('checks what the rarest part of a long search finds against the whole search, with and without a state', async () => {
      // Every row has "common.test", two have "q77": the planner looks up a run around "q77", which FFF600
      // has too ("q77.common.x"), and must drop it because the rest of the search differs there.
      for (let i = 0; i < 12; i++) await enqueue(`ZZZ${i}`, 'bulk@common.test', [remote(`user${i}@common.test`)]);
      await enqueue('EEE500', 'a@one.test', [remote('z@q77.common.test')]);
      await enqueue('FFF600', 'q77.common.x@four.test', [remote('y@other.test')]);
      expect(await ids({ offset: 0, limit: 50, search: 'q77.common.test' })).toEqual(['EEE500']);
      expect(await ids({ offset: 0, limit: 50, search: 'Q77.COMMON.X' })).toEqual(['FFF600']);
      await store.setHeld('FFF600', true);
      expect(await ids({ offset: 0, limit: 50, search: 'q77.common.test', state: 'held' })).toEqual([]);
      await store.setHeld('EEE500', true);
      expect(await ids({ offset: 0, limit: 50, search: 'q77.common.test', state: 'held' })).toEqual(['EEE500']);
    });

    it('treats % and _ in a search as plain characters', async () => {
      expect(await ids({ offset: 0, limit: 50, search: '_score%' })).toEqual(['DDD400']);
      expect(await ids({ offset: 0, limit: 50, search: '%' })).toEqual(['DDD400']);
      expect(await ids({ offset: 0, limit: 50, search: 'b_b' })).toEqual([]);
    });

    it('answers a search in quotes, one of two characters and one with the field separator', async () => {
      expect(await ids({ offset: 0, limit: 50, search: 'a"b' })).toEqual([]);
      expect(await ids({ offset: 0, limit: 50, search: '"' })).toEqual([]);
      expect(await ids({ offset: 0, limit: 50, search: 'Dd' })).toEqual(['DDD400']);
      expect(await ids({ offset: 0, limit: 50, search: 'BBB200\u0001bob' })).toEqual([]);
    });

    it('counts the matches of a search up to the limit, then answers "at least" and still pages them all', async () => {
      await store.close();
      await backend.clear();
      store = await backend.open({ queueSearchCountMax: 3 });
      for (let i = 1; i <= 5; i++) await enqueue(`MSG${i}00`, `s${i}@src.test`, [remote(`r${i}@wide.test`)], 10 * i);
      await enqueue('ONE100', 'x@src.test', [remote('only@narrow.test')]);
      const wide = await store.listQueue({ offset: 0, limit: 50, search: 'wide.test', sort: '-size' }, T0);
      expect(wide.totalExact).toBe(false);
      expect(wide.total).toBe(3);
      expect(wide.items.map((m) => m.id)).toEqual(['MSG500', 'MSG400', 'MSG300', 'MSG200', 'MSG100']);
      expect((await store.listQueue({ offset: 3, limit: 2, search: 'wide.test' }, T0)).items.map((m) => m.id)).toEqual(['MSG400', 'MSG500']);
      const narrow = await store.listQueue({ offset: 0, limit: 50, search: 'narrow' }, T0);
      expect(narrow.totalExact ?? true).toBe(true);
      expect(narrow.total).toBe(1);
      // Three matches exactly: counted, not "at least".
      await store.removeMessages({ id: 'MSG100' });
      await store.removeMessages({ id: 'MSG200' });
      const three = await store.listQueue({ offset: 0, limit: 50, search: 'WIDE' }, T0);
      expect([three.total, three.totalExact ?? true]).toEqual([3, true]);
      // A removed message's recipients leave the index with it.
      expect(await ids({ offset: 0, limit: 50, search: 'r1@wide' })).toEqual([]);
    });

    it('filters by the message state derived from its recipients', async () => {
      await deferOnce('AAA100', T0);
      await store.setHeld('CCC300', true);
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!; // BBB200's first domain
      expect(job.messageId).toBe('BBB200');
      expect(await ids({ offset: 0, limit: 50, state: 'deferred' })).toEqual(['AAA100']);
      expect(await ids({ offset: 0, limit: 50, state: 'held' })).toEqual(['CCC300']);
      expect(await ids({ offset: 0, limit: 50, state: 'in_flight' })).toEqual(['BBB200']);
      expect(await ids({ offset: 0, limit: 50, state: 'queued' })).toEqual(['DDD400']);
      expect((await store.listQueue({ offset: 0, limit: 50, state: 'deferred', search: 'nomatch' }, T0)).total).toBe(0);
    });

    it('sorts by creation, size, attempts and next attempt, both ways', async () => {
      expect(await ids({ offset: 0, limit: 50, sort: '-created' })).toEqual(['DDD400', 'CCC300', 'BBB200', 'AAA100']);
      expect(await ids({ offset: 0, limit: 50, sort: 'size' })).toEqual(['BBB200', 'CCC300', 'AAA100', 'DDD400']);
      expect(await ids({ offset: 0, limit: 50, sort: '-size' })).toEqual(['DDD400', 'AAA100', 'CCC300', 'BBB200']);
      // Two rounds of failed attempts; the first stops at CCC300, so DDD400 has one attempt, the rest two.
      // Then BBB200 is made due first.
      await deferOnce('CCC300', T0);
      await deferOnce('CCC300', T0 + 60_000);
      expect(await ids({ offset: 0, limit: 50, sort: 'attempts' })).toEqual(['DDD400', 'AAA100', 'BBB200', 'CCC300']);
      expect(await ids({ offset: 0, limit: 50, sort: '-attempts' })).toEqual(['CCC300', 'BBB200', 'AAA100', 'DDD400']);
      await store.sendNow({ id: 'BBB200' }, T0 + 5);
      expect(await ids({ offset: 0, limit: 50, sort: 'next_attempt' })).toEqual(['BBB200', 'AAA100', 'CCC300', 'DDD400']);
      expect(await ids({ offset: 0, limit: 50, sort: '-next_attempt' })).toEqual(['DDD400', 'CCC300', 'AAA100', 'BBB200']);
    });

    it('pages with offset and limit and keeps the total', async () => {
      const first = await store.listQueue({ offset: 0, limit: 3 }, T0);
      const second = await store.listQueue({ offset: 3, limit: 3 }, T0);
      expect([first.total, second.total]).toEqual([4, 4]);
      expect(first.items.map((m) => m.id)).toEqual(['AAA100', 'BBB200', 'CCC300']);
      expect(second.items.map((m) => m.id)).toEqual(['DDD400']);
      expect((await store.listQueue({ offset: 10, limit: 3 }, T0)).items).toEqual([]);
    });
  });

  describe('queue actions', () => {
    it('getQueueMessage summarises attempts, the next attempt and the last error', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test'), remote('y@dest.test')]);
      await deferOnce('M1', T0, '451 4.7.1 greylisted');
      const m = (await store.getQueueMessage('M1'))!;
      expect(m).toMatchObject({ state: 'deferred', attempts: 1, nextAttemptAt: T0 + 60_000, lastError: '451 4.7.1 greylisted', held: false });
      expect(await store.getQueueMessage('nope')).toBeNull();
      expect(await store.readContent('nope')).toBeNull();
    });

    it('sendNow makes pending recipients due now, by id or by filter', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test')]);
      await enqueue('M2', 'b@two.test', [remote('y@dest.test')]);
      await deferOnce('M1', T0);
      await deferOnce('M2', T0);
      expect(await store.claimNextJob(T0 + 1, retry60(T0), new Set())).toBeNull();
      expect(await store.sendNow({ id: 'M1' }, T0 + 1)).toBe(1);
      expect(await store.nextDueAt()).toBe(T0 + 1);
      expect((await store.claimNextJob(T0 + 1, retry60(T0), new Set()))!.messageId).toBe('M1');
      expect(await store.sendNow({ search: 'two.test' }, T0 + 2)).toBe(1);
      expect(await store.sendNow({ id: 'unknown' }, T0 + 2)).toBe(0);
      // M1 is in flight now: nothing to make due.
      expect(await store.sendNow({ id: 'M1' }, T0 + 2)).toBe(0);
    });

    it('hold keeps a message from being claimed and release gives it back', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test')]);
      expect(await store.setHeld('M1', true)).toBe(true);
      expect(await store.claimNextJob(T0, retry60(T0), new Set())).toBeNull();
      expect(await store.nextDueAt()).toBeNull();
      expect((await store.getQueueMessage('M1'))!.state).toBe('held');
      // send-now does not release a held message.
      await store.sendNow({ id: 'M1' }, T0);
      expect(await store.claimNextJob(T0, retry60(T0), new Set())).toBeNull();
      expect(await store.setHeld('M1', false)).toBe(true);
      expect((await store.claimNextJob(T0, retry60(T0), new Set()))!.messageId).toBe('M1');
      expect(await store.setHeld('unknown', true)).toBe(false);
    });

    it('failMessage bounces the pending recipients, leaves those in flight, and queues the notice with them', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test'), remote('y@other.test')]);
      const inFlight = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      let seen: QueueRecipient[] = [];
      const failed = await store.failMessage('M1', 'cancelled by the administrator', (rcpts) => {
        seen = rcpts;
        return { id: 'DSN1', sender: '', recipients: [remote('a@one.test')], content: Buffer.from('dsn'), source: 'bounce' };
      });
      expect(failed.map((r) => [r.address, r.state, r.lastError])).toEqual([['y@other.test', 'bounced', 'cancelled by the administrator']]);
      expect(seen.map((r) => r.address)).toEqual(['y@other.test']);
      expect(await store.getQueueMessage('DSN1')).toMatchObject({ sender: '', source: 'bounce' });
      // The recipient in flight finishes its attempt; then the message is done.
      expect((await store.getQueueMessage('M1'))!.recipients.find((r) => r.id === inFlight.recipients[0]!.id)!.state).toBe('in_flight');
      await store.recordOutcomes('M1', [{ recipientId: inFlight.recipients[0]!.id, result: 'delivered' }], T0);
      expect(await store.getQueueMessage('M1')).toBeNull();
    });

    it('failMessage with nothing pending changes nothing and builds no notice', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test')]);
      await store.claimNextJob(T0, retry60(T0), new Set());
      let called = false;
      expect(await store.failMessage('M1', 'x', () => ((called = true), null))).toEqual([]);
      expect(await store.failMessage('unknown', 'x')).toEqual([]);
      expect(called).toBe(false);
    });

    it('removeMessages by id and by filter; a late outcome for a removed message is ignored', async () => {
      await enqueue('M1', 'a@one.test', [remote('x@dest.test')]);
      await enqueue('M2', 'b@two.test', [remote('y@dest.test')]);
      await enqueue('M3', 'c@three.test', [remote('z@dest.test')]);
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      expect(job.messageId).toBe('M1');
      expect(await store.removeMessages({ id: 'M1' })).toBe(1);
      expect(await store.readContent('M1')).toBeNull();
      await store.recordOutcomes('M1', [{ recipientId: job.recipients[0]!.id, result: 'delivered' }], T0);
      expect(await store.removeMessages({ search: 'two.test' })).toBe(1);
      expect((await store.listQueue({ offset: 0, limit: 10 }, T0)).items.map((m) => m.id)).toEqual(['M3']);
      expect(await store.removeMessages({})).toBe(1);
      expect((await store.listQueue({ offset: 0, limit: 10 }, T0)).total).toBe(0);
    });
  });
});
