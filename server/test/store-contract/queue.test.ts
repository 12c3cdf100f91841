// The delivery half of the queue, the same on every store (SQLite and PostgreSQL): enqueue, claiming
// (the next attempt time is written before the attempt), outcomes, exactly-once local delivery and
// recovery after a restart.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { NewMessage, NewRecipient } from '../../src/store/types.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('queue'))('$name', (backend) => {
  let store: FullStore;
  let alice: NewRecipient;
  let bob: NewRecipient;
  // Enqueue stamps the wall clock; claiming "an hour from now" sees every test message as due.
  const T0 = Date.now() + 3_600_000;
  const retryIn = (seconds: number) => (now: number) => (attempts: number) => now + seconds * 1000 * attempts;
  const retry60 = retryIn(60);

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    const a = await store.addAccount('alice@example.test', 'x');
    const b = await store.addAccount('bob@example.test', 'x');
    alice = { address: a.address, destination: 'local', accountId: a.id };
    bob = { address: b.address, destination: 'local', accountId: b.id };
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  let seq = 0;
  function message(recipients: NewRecipient[], extra: Partial<NewMessage> = {}): NewMessage {
    seq++;
    return { id: `MSG${String(seq).padStart(5, '0')}`, sender: 'sender@remote.test', recipients, content: Buffer.from(`Subject: m${seq}\r\n\r\nbody\r\n`), source: 'smtp', ...extra };
  }
  const remote = (address: string): NewRecipient => ({ address, destination: 'remote' });

  async function inbox(accountId: number): Promise<string[]> {
    const box = (await store.listMailboxes(accountId)).find((b) => b.name === 'INBOX')!;
    const mail = await store.listMail(box.id);
    return Promise.all(mail.map(async (m) => (await store.readMail(m.id))!.toString()));
  }

  /** Claims every job due at `now`, the way the scheduler's pump does. */
  async function claimAll(now: number) {
    const jobs = [];
    for (;;) {
      const job = await store.claimNextJob(now, retry60(now), new Set());
      if (!job) return jobs;
      jobs.push(job);
    }
  }

  describe('enqueue', () => {
    it('stores the message, its content and every recipient as queued and due at once', async () => {
      const m = message([alice, remote('x@remote.test')]);
      await store.enqueue(m);
      const q = (await store.getQueueMessage(m.id))!;
      expect(q).toMatchObject({ id: m.id, sender: 'sender@remote.test', size: m.content.length, state: 'queued', held: false, attempts: 0 });
      expect(q.recipients.map((r) => [r.address, r.destination, r.domain, r.state])).toEqual([
        ['alice@example.test', 'local', 'example.test', 'queued'],
        ['x@remote.test', 'remote', 'remote.test', 'queued'],
      ]);
      expect(q.recipients[0]!.nextAttemptAt).toBe(q.createdAt);
      expect((await store.readContent(m.id))!.equals(m.content)).toBe(true);
      expect(await store.nextDueAt()).toBe(q.createdAt);
    });

    it('stores nothing when a recipient row fails (one transaction)', async () => {
      const m = message([alice]);
      await store.enqueue(m);
      await expect(store.enqueue({ ...m, recipients: [bob] })).rejects.toThrow(/unique/i);
      const q = (await store.getQueueMessage(m.id))!;
      expect(q.recipients.map((r) => r.address)).toEqual(['alice@example.test']);
    });
  });

  describe('claimNextJob', () => {
    it('groups due recipients into one local job and one job per remote domain', async () => {
      const m = message([alice, bob, remote('x@a.test'), remote('y@a.test'), remote('z@b.test')]);
      await store.enqueue(m);
      const jobs = await claimAll(T0 + 1000);
      const shape = jobs.map((j) => [j.destination, j.destination === 'local' ? '' : j.domain, j.recipients.map((r) => r.address).sort()]).sort();
      expect(shape).toEqual([
        ['local', '', ['alice@example.test', 'bob@example.test']],
        ['remote', 'a.test', ['x@a.test', 'y@a.test']],
        ['remote', 'b.test', ['z@b.test']],
      ]);
      expect(jobs.every((j) => j.messageId === m.id && j.sender === 'sender@remote.test')).toBe(true);
    });

    it('marks recipients in flight and writes the next attempt time before the attempt', async () => {
      await store.enqueue(message([remote('x@a.test')]));
      const now = T0 + 5000;
      const job = (await store.claimNextJob(now, retry60(now), new Set()))!;
      expect(job.recipients[0]).toMatchObject({ state: 'in_flight', attempts: 1, lastAttemptAt: now, nextAttemptAt: now + 60_000 });
      const stored = (await store.getQueueMessage(job.messageId))!;
      expect(stored.state).toBe('in_flight');
      expect(stored.recipients[0]).toMatchObject({ state: 'in_flight', attempts: 1, lastAttemptAt: now, nextAttemptAt: now + 60_000 });
      // In flight is not due: nothing else to claim, and nothing due until the outcome is known.
      expect(await store.claimNextJob(now + 120_000, retry60(now), new Set())).toBeNull();
      expect(await store.nextDueAt()).toBeNull();
    });

    it('passes the new attempt count to retryAt', async () => {
      const m = message([remote('x@a.test')]);
      await store.enqueue(m);
      const seen: number[] = [];
      let now = T0 + 1000;
      for (let i = 0; i < 3; i++) {
        const job = (await store.claimNextJob(now, (n) => (seen.push(n), now + 10), new Set()))!;
        await store.recordOutcomes(m.id, [{ recipientId: job.recipients[0]!.id, result: 'deferred', error: 'busy' }], now);
        now += 10;
      }
      expect(seen).toEqual([1, 2, 3]);
    });

    it('never hands the same recipient to two claims', async () => {
      for (let i = 0; i < 20; i++) await store.enqueue(message([alice, remote(`u${i}@a.test`), remote(`u${i}@b.test`)]));
      const now = T0 + 1000;
      // Concurrent calls, as the scheduler's workers make them.
      const jobs = (await Promise.all(Array.from({ length: 80 }, () => store.claimNextJob(now, retry60(now), new Set())))).filter((j) => j !== null);
      const ids = jobs.flatMap((j) => j.recipients.map((r) => r.id));
      expect(ids.length).toBe(60);
      expect(new Set(ids).size).toBe(60);
    });

    it('skips recipients not yet due, held messages and remote domains at their connection limit', async () => {
      const later = message([remote('x@a.test')]);
      const held = message([remote('y@a.test')]);
      const busy = message([remote('z@busy.test')]);
      const local = message([alice], { sender: 'z@busy.test' });
      for (const m of [later, held, busy, local]) await store.enqueue(m);
      await store.setHeld(held.id, true);
      const laterJob = (await store.claimNextJob(T0 + 1000, retry60(T0 + 1000), new Set(['busy.test'])))!;
      expect(laterJob.messageId).toBe(later.id);
      await store.recordOutcomes(later.id, [{ recipientId: laterJob.recipients[0]!.id, result: 'deferred', error: 'try later' }], T0 + 1000);
      const now = T0 + 2000;
      const jobs = [];
      for (;;) {
        const job = await store.claimNextJob(now, retry60(now), new Set(['busy.test']));
        if (!job) break;
        jobs.push(job);
      }
      // Local mail is never held back by a busy remote domain of the same name.
      expect(jobs.map((j) => j.messageId)).toEqual([local.id]);
      const freed = (await store.claimNextJob(now, retry60(now), new Set()))!;
      expect(freed.messageId).toBe(busy.id);
    });

    it('claims the most overdue recipient first', async () => {
      const first = message([remote('x@a.test')]);
      const second = message([remote('y@b.test')]);
      await store.enqueue(first);
      await store.enqueue(second);
      const a = (await store.claimNextJob(T0 + 1000, () => T0 + 50_000, new Set()))!;
      const b = (await store.claimNextJob(T0 + 1000, () => T0 + 40_000, new Set()))!;
      await store.recordOutcomes(a.messageId, [{ recipientId: a.recipients[0]!.id, result: 'deferred', error: 'e' }], T0);
      await store.recordOutcomes(b.messageId, [{ recipientId: b.recipients[0]!.id, result: 'deferred', error: 'e' }], T0);
      const next = (await store.claimNextJob(T0 + 60_000, retry60(T0), new Set()))!;
      expect(next.messageId).toBe(b.messageId);
    });
  });

  describe('recordOutcomes', () => {
    it('keeps the message while a recipient is pending and drops it when all are final', async () => {
      const m = message([remote('ok@a.test'), remote('soft@a.test'), remote('hard@a.test')]);
      await store.enqueue(m);
      const now = T0 + 1000;
      const job = (await store.claimNextJob(now, retry60(now), new Set()))!;
      const [ok, soft, hard] = job.recipients.map((r) => r.id) as [number, number, number];
      await store.recordOutcomes(
        m.id,
        [
          { recipientId: ok, result: 'delivered' },
          { recipientId: soft, result: 'deferred', error: '451 4.3.0 later' },
          { recipientId: hard, result: 'bounced', error: '550 5.1.1 no' },
        ],
        now,
      );
      const q = (await store.getQueueMessage(m.id))!;
      expect(q.state).toBe('deferred');
      expect(q.recipients.map((r) => [r.state, r.lastError, r.nextAttemptAt])).toEqual([
        ['delivered', null, now + 60_000],
        ['deferred', '451 4.3.0 later', now + 60_000],
        ['bounced', '550 5.1.1 no', now + 60_000],
      ]);
      expect(q.lastError).not.toBeNull();
      expect(await store.nextDueAt()).toBe(now + 60_000);

      const again = (await store.claimNextJob(now + 60_000, retry60(now + 60_000), new Set()))!;
      expect(again.recipients.map((r) => r.id)).toEqual([soft]);
      await store.recordOutcomes(m.id, [{ recipientId: soft, result: 'delivered' }], now + 60_000);
      expect(await store.getQueueMessage(m.id)).toBeNull();
      expect(await store.readContent(m.id)).toBeNull();
    });

    it('uses an explicit retryAt for a deferral', async () => {
      const m = message([remote('x@a.test')]);
      await store.enqueue(m);
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      await store.recordOutcomes(m.id, [{ recipientId: job.recipients[0]!.id, result: 'deferred', error: 'e', retryAt: T0 + 5 }], T0);
      expect((await store.getQueueMessage(m.id))!.recipients[0]!.nextAttemptAt).toBe(T0 + 5);
    });

    it('ignores outcomes for recipients that are not in flight', async () => {
      const m = message([remote('x@a.test')]);
      await store.enqueue(m);
      const rid = (await store.getQueueMessage(m.id))!.recipients[0]!.id;
      await store.recordOutcomes(m.id, [{ recipientId: rid, result: 'delivered' }], T0);
      expect((await store.getQueueMessage(m.id))!.recipients[0]!.state).toBe('queued');
    });

    it('queues the bounce notice with the bounce, and not when the failure was not recorded', async () => {
      const m = message([remote('x@a.test')]);
      await store.enqueue(m);
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      const notice = message([{ address: 'sender@remote.test', destination: 'remote' }], { sender: '', source: 'bounce' });
      await store.recordOutcomes(m.id, [{ recipientId: job.recipients[0]!.id, result: 'bounced', error: '550 no' }], T0, notice);
      expect(await store.getQueueMessage(m.id)).toBeNull();
      expect(await store.getQueueMessage(notice.id)).toMatchObject({ sender: '', source: 'bounce', state: 'queued' });

      // Removed while in flight: the late outcome changes nothing, so no bounce either.
      const gone = message([remote('y@a.test')]);
      await store.enqueue(gone);
      const job2 = (await store.claimNextJob(T0 + 1, retry60(T0), new Set()))!;
      expect(job2.messageId).toBe(gone.id);
      await store.removeMessages({ id: gone.id });
      const notice2 = message([{ address: 'sender@remote.test', destination: 'remote' }], { sender: '', source: 'bounce' });
      await store.recordOutcomes(gone.id, [{ recipientId: job2.recipients[0]!.id, result: 'bounced', error: '550 no' }], T0, notice2);
      expect(await store.getQueueMessage(notice2.id)).toBeNull();

      // A deferral carries no bounce even if a notice is passed.
      const soft = message([remote('z@a.test')]);
      await store.enqueue(soft);
      const job3 = (await store.claimNextJob(T0 + 2, retry60(T0), new Set()))!;
      const notice3 = message([{ address: 'sender@remote.test', destination: 'remote' }], { sender: '', source: 'bounce' });
      await store.recordOutcomes(soft.id, [{ recipientId: job3.recipients[0]!.id, result: 'deferred', error: '451' }], T0, notice3);
      expect(await store.getQueueMessage(notice3.id)).toBeNull();
    });
  });

  describe('deliverLocal', () => {
    it('files the content into each INBOX once and marks the recipients delivered', async () => {
      const m = message([alice, bob]);
      await store.enqueue(m);
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      const ids = job.recipients.map((r) => r.id);
      const result = await store.deliverLocal(m.id, ids, m.content, T0);
      expect(result).toEqual({ delivered: ids, unfiled: [] });
      expect(await inbox(alice.accountId!)).toEqual([m.content.toString()]);
      expect(await inbox(bob.accountId!)).toEqual([m.content.toString()]);
      expect(await store.getQueueMessage(m.id)).toBeNull();

      // A repeated call (a retried job, a second worker) files nothing more.
      expect(await store.deliverLocal(m.id, ids, m.content, T0)).toEqual({ delivered: [], unfiled: [] });
      expect(await inbox(alice.accountId!)).toHaveLength(1);
    });

    it('gives UIDs in order and files one copy when two recipients lead to one account', async () => {
      const first = message([alice]);
      const twice = message([alice, { address: 'info@example.test', destination: 'local', accountId: alice.accountId }]);
      for (const m of [first, twice]) {
        await store.enqueue(m);
        const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
        await store.deliverLocal(
          m.id,
          job.recipients.map((r) => r.id),
          m.content,
          T0,
        );
      }
      const box = (await store.listMailboxes(alice.accountId!)).find((b) => b.name === 'INBOX')!;
      expect((await store.listMail(box.id)).map((x) => x.uid)).toEqual([1, 2]);
      expect(box.uidNext).toBe(3);
      expect(await store.getQueueMessage(twice.id)).toBeNull();
    });

    it('files nothing for a recipient not in flight', async () => {
      const m = message([alice]);
      await store.enqueue(m);
      const rid = (await store.getQueueMessage(m.id))!.recipients[0]!.id;
      expect(await store.deliverLocal(m.id, [rid], m.content, T0)).toEqual({ delivered: [], unfiled: [] });
      expect(await inbox(alice.accountId!)).toEqual([]);
    });

    it('returns recipients whose account is gone, still in flight, and files the others', async () => {
      const m = message([alice, bob]);
      await store.enqueue(m);
      await store.removeAccount('bob@example.test');
      const job = (await store.claimNextJob(T0, retry60(T0), new Set()))!;
      const result = await store.deliverLocal(
        m.id,
        job.recipients.map((r) => r.id),
        m.content,
        T0,
      );
      expect(result.delivered).toHaveLength(1);
      expect(result.unfiled.map((r) => [r.address, r.state])).toEqual([['bob@example.test', 'in_flight']]);
      expect(await inbox(alice.accountId!)).toHaveLength(1);
      expect((await store.getQueueMessage(m.id))!.state).toBe('in_flight');
    });
  });

  describe('recoverInFlight', () => {
    it('defers what a crash left in flight and keeps the pre-written retry time', async () => {
      const m = message([alice, remote('x@a.test')]);
      await store.enqueue(m);
      await claimAll(T0);
      expect(await store.recoverInFlight()).toBe(2);
      const q = (await store.getQueueMessage(m.id))!;
      expect(q.recipients.map((r) => [r.state, r.nextAttemptAt, r.lastError])).toEqual([
        ['deferred', T0 + 60_000, 'interrupted by a restart'],
        ['deferred', T0 + 60_000, 'interrupted by a restart'],
      ]);
      // Not due before the retry time, so a message that crashes the server is not retried in a loop.
      expect(await store.claimNextJob(T0 + 59_999, retry60(T0), new Set())).toBeNull();
      expect((await claimAll(T0 + 60_000)).length).toBe(2);
      expect(await store.recoverInFlight()).toBe(2);
      expect(await store.recoverInFlight()).toBe(0);
    });

    it('is seen by a second connection to the same file, as after a restart', async () => {
      const m = message([alice]);
      await store.enqueue(m);
      await store.claimNextJob(T0, retry60(T0), new Set());
      const reopened = await backend.reopen();
      try {
        expect(await reopened.recoverInFlight()).toBe(1);
        const job = (await reopened.claimNextJob(T0 + 60_000, retry60(T0 + 60_000), new Set()))!;
        await reopened.deliverLocal(
          m.id,
          job.recipients.map((r) => r.id),
          m.content,
          T0,
        );
      } finally {
        await reopened.close();
      }
      expect(await inbox(alice.accountId!)).toHaveLength(1);
    });
  });
});
