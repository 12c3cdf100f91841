// The message history (trace), the same on every store: written at acceptance and with each recorded
// outcome in the same transaction, finished when the message leaves the queue by any path, searchable,
// bounded per message and pruned.
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { MAX_HISTORY_ATTEMPTS_PER_MESSAGE } from '../../src/store/history-store.ts';
import type { NewMessage, NewRecipient } from '../../src/store/types.ts';
import { storeBackends, type FullStore } from './backends.ts';

describe.each(storeBackends('history'))('$name', (backend) => {
  let store: FullStore;
  let alice: NewRecipient;
  const T0 = Date.now() + 3_600_000;
  const retry = (now: number) => (attempts: number) => now + 60_000 * attempts;

  beforeEach(async () => {
    store = await backend.open();
    await store.addDomain('example.test');
    const a = await store.addAccount('alice@example.test', 'x');
    alice = { address: a.address, destination: 'local', accountId: a.id };
  });

  afterEach(async () => {
    await store.close();
    await backend.clear();
  });

  let seq = 0;
  function message(recipients: NewRecipient[], extra: Partial<NewMessage> = {}): NewMessage {
    seq++;
    return {
      id: `HIST${String(seq).padStart(5, '0')}`,
      sender: 'Sender@Remote.test',
      recipients,
      content: Buffer.from(`Message-ID: <m${seq}@remote.test>\r\nSubject: m${seq}\r\n\r\nbody\r\n`),
      source: 'smtp',
      clientAddress: '192.0.2.7',
      trace: { node: 'node-a', tls: 'TLSv1.3', scan: 'virus: clean', messageIdHeader: `m${seq}@remote.test` },
      ...extra,
    };
  }
  const remote = (address: string): NewRecipient => ({ address, destination: 'remote' });

  it('keeps the acceptance of a message filed at once, finished at acceptance, with a delivered attempt', async () => {
    const m = message([alice]);
    const now = Date.now();
    await store.acceptMessages([m], now, true);
    const h = (await store.getHistory(m.id))!;
    expect(h).toMatchObject({
      id: m.id,
      messageIdHeader: m.trace!.messageIdHeader,
      sender: 'Sender@Remote.test',
      recipients: ['alice@example.test'],
      size: m.content.length,
      source: 'smtp',
      node: 'node-a',
      clientAddress: '192.0.2.7',
      tls: 'TLSv1.3',
      scan: 'virus: clean',
      acceptedAt: now,
      finishedAt: now,
      omittedAttempts: 0,
    });
    expect(h.attempts).toEqual([expect.objectContaining({ recipient: 'alice@example.test', result: 'delivered', at: now, mxHost: 'local' })]);
  });

  it('records each attempt with its outcome, and the time the message left the queue', async () => {
    const m = message([remote('x@a.test')]);
    await store.acceptMessages([m], Date.now(), true);
    expect((await store.getHistory(m.id))!.finishedAt).toBeNull();
    const first = (await store.claimNextJob(T0, retry(T0), new Set()))!;
    const attempt = { mxHost: 'mx.a.test', mxIp: '192.0.2.25', tls: 'TLSv1.3', replyCode: 451, replyText: '451 4.3.0 try later', durationMs: 120 };
    await store.recordOutcomes(m.id, [{ recipientId: first.recipients[0]!.id, result: 'deferred', error: 'mx.a.test:25 said: 451 4.3.0 try later', attempt }], T0);
    // A late duplicate outcome (no longer in flight) records nothing: never doubled.
    await store.recordOutcomes(m.id, [{ recipientId: first.recipients[0]!.id, result: 'delivered' }], T0 + 1);
    const later = T0 + 120_000;
    const second = (await store.claimNextJob(later, retry(later), new Set()))!;
    const before = Date.now();
    await store.recordOutcomes(m.id, [{ recipientId: second.recipients[0]!.id, result: 'delivered', attempt: { mxHost: 'mx.a.test', replyCode: 250, replyText: '250 ok', durationMs: 80 } }], later);
    const h = (await store.getHistory(m.id))!;
    expect(h.attempts).toEqual([
      { recipient: 'x@a.test', at: T0, result: 'deferred', ...attempt },
      { recipient: 'x@a.test', at: later, result: 'delivered', mxHost: 'mx.a.test', replyCode: 250, replyText: '250 ok', durationMs: 80 },
    ]);
    expect(h.finishedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(await store.getQueueMessage(m.id)).toBeNull();
  });

  it('records local delivery from the queue, an operator bounce with its DSN accepted, and a removal', async () => {
    const local = message([alice]);
    await store.acceptMessages([local], Date.now(), false);
    const job = (await store.claimNextJob(T0, retry(T0), new Set()))!;
    await store.deliverLocal(local.id, [job.recipients[0]!.id], local.content, T0);
    const delivered = (await store.getHistory(local.id))!;
    expect(delivered.attempts).toEqual([expect.objectContaining({ recipient: 'alice@example.test', result: 'delivered', mxHost: 'local' })]);
    expect(delivered.finishedAt).not.toBeNull();

    const bounced = message([remote('y@b.test')]);
    await store.enqueue(bounced);
    const dsn = message([alice], { sender: '', source: 'bounce', trace: undefined });
    await store.failMessage(bounced.id, 'bounced by an operator', () => dsn);
    const h = (await store.getHistory(bounced.id))!;
    expect(h.attempts).toEqual([expect.objectContaining({ recipient: 'y@b.test', result: 'bounced', replyText: 'bounced by an operator' })]);
    expect(h.finishedAt).not.toBeNull();
    expect((await store.getHistory(dsn.id))!).toMatchObject({ source: 'bounce', sender: '', finishedAt: null });

    await store.removeMessages({ id: dsn.id });
    expect((await store.getHistory(dsn.id))!.finishedAt).not.toBeNull();
  });

  it('finds messages by queue id, Message-ID, sender or recipient, case-insensitively, queued or finished, newest first', async () => {
    const now = Date.now();
    const a = message([remote('Bob@Far.test')]);
    const b = message([alice]);
    await store.acceptMessages([a], now, true);
    await store.acceptMessages([b], now + 10, true);
    const ids = async (search: string) => (await store.searchHistory({ search, offset: 0, limit: 10 })).items.map((i) => i.id);
    expect(await ids('bob@far')).toEqual([a.id]);
    expect(await ids(a.trace!.messageIdHeader!.toUpperCase())).toEqual([a.id]);
    expect(await ids(b.id.toLowerCase())).toEqual([b.id]);
    expect(await ids('sender@remote')).toEqual([b.id, a.id]);
    expect(await ids('100%_')).toEqual([]);
    const page = await store.searchHistory({ offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 2, items: [{ id: a.id }] });
    expect((await store.searchHistory({ from: now + 5, offset: 0, limit: 10 })).items.map((i) => i.id)).toEqual([b.id]);
    expect((await store.searchHistory({ to: now + 5, offset: 0, limit: 10 })).items.map((i) => i.id)).toEqual([a.id]);
  });

  it(`keeps at most ${MAX_HISTORY_ATTEMPTS_PER_MESSAGE} attempts per message and counts the rest`, async () => {
    const m = message([remote('x@a.test')]);
    await store.enqueue(m);
    let now = T0;
    for (let i = 0; i < MAX_HISTORY_ATTEMPTS_PER_MESSAGE + 3; i++) {
      const job = (await store.claimNextJob(now, () => now + 1, new Set()))!;
      await store.recordOutcomes(m.id, [{ recipientId: job.recipients[0]!.id, result: 'deferred', error: `try ${i}` }], now);
      now += 2;
    }
    const h = (await store.getHistory(m.id))!;
    expect(h.attempts).toHaveLength(MAX_HISTORY_ATTEMPTS_PER_MESSAGE);
    expect(h.omittedAttempts).toBe(3);
    expect(h.attempts[0]!.replyText).toBe('try 0');
  });

  it('prunes only messages that left the queue before the cut-off', async () => {
    const done = message([alice]);
    const queued = message([remote('x@a.test')]);
    await store.acceptMessages([done, queued], Date.now(), true);
    expect(await store.pruneHistory(Date.now() - 60_000)).toBe(0);
    expect(await store.pruneHistory(Date.now() + 60_000)).toBe(1);
    expect(await store.getHistory(done.id)).toBeNull();
    expect(await store.getHistory(queued.id)).not.toBeNull();
  });
});
