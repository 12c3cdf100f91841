// Loki's answers drive the retry rules: 429 and 5xx are retried with growing, jittered waits (and a
// Retry-After floor) until delivered exactly once; other 4xx drop the batch at once, counted; a batch
// that fails every attempt is counted too; and there is never more than one request in flight.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LokiClient, type LokiClientOptions, type LokiRetryInfo } from '../src/telemetry/loki/index.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';

let receiver: LokiReceiver;
const clients: LokiClient[] = [];

function client(options: Partial<LokiClientOptions> = {}): { c: LokiClient; retries: LokiRetryInfo[]; warnings: string[] } {
  const retries: LokiRetryInfo[] = [];
  const warnings: string[] = [];
  const c = new LokiClient({
    url: receiver.url,
    instance: 'h1',
    batchWaitMs: 20,
    backoff: { minMs: 25, maxMs: 5_000, maxAttempts: 10 },
    stats: { sentEntries() {}, droppedEntries() {}, requestDuration() {}, batchRetry: (info) => retries.push(info) },
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  clients.push(c);
  return { c, retries, warnings };
}

beforeAll(async () => {
  receiver = await LokiReceiver.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(1000);
  receiver.requests.length = 0;
});
afterAll(async () => {
  await receiver.close();
});

describe('retried answers', () => {
  it('retries 429 and 5xx with growing waits, then delivers the batch exactly once', async () => {
    receiver.script({ status: 429 }, { status: 429 }, { status: 500 }, { status: 503 });
    // min 40 ms: retry 1 waits 40-80 ms, retry 4 waits 320-640 ms, a margin no scheduling hiccup closes.
    const { c, retries } = client({ backoff: { minMs: 40, maxMs: 5_000, maxAttempts: 10 } });
    for (const line of ['a', 'b', 'c']) c.push('smtp', 'info', Date.now(), line);
    expect(await c.flush(30_000)).toBe(true);

    expect(receiver.requests.map((r) => r.status)).toEqual([429, 429, 500, 503, 204]);
    // The same batch each time, and stored once.
    for (const r of receiver.requests) expect(r.streams[0]!.entries.map((e) => e.line)).toEqual(['a', 'b', 'c']);
    expect(receiver.acceptedLines()).toEqual(['a', 'b', 'c']);

    expect(retries.map((r) => [r.attempt, r.statusCode])).toEqual([
      [1, '429'],
      [2, '429'],
      [3, '500'],
      [4, '503'],
    ]);
    const delays = retries.map((r) => r.delayMs);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays[3]).toBeGreaterThanOrEqual(4 * delays[0]!); // retry 4 draws from [8·min, 16·min], retry 1 from [min, 2·min]
    const gaps = receiver.requests.slice(1).map((r, i) => r.at - receiver.requests[i]!.at);
    expect(gaps[3]).toBeGreaterThan(gaps[0]!); // and Loki saw the waits grow

    expect(c.snapshot()).toMatchObject({ sentEntries: 3, batchRetries: 4, requests: { '429': 2, '500': 1, '503': 1, '204': 1 } });
    expect(Object.values(c.snapshot().droppedEntries).every((n) => n === 0)).toBe(true);
  });

  it('waits at least as long as Retry-After says', async () => {
    receiver.script({ status: 429, retryAfter: '1' });
    const { c, retries } = client();
    c.push('smtp', 'info', Date.now(), 'throttled');
    expect(await c.flush(30_000)).toBe(true);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(receiver.acceptedLines()).toEqual(['throttled']);
  });

  it('never waits longer than backoff.maxMs, whatever Retry-After says', async () => {
    receiver.script({ status: 503, retryAfter: '3600' });
    const { c, retries } = client({ backoff: { minMs: 25, maxMs: 100, maxAttempts: 10 } });
    c.push('smtp', 'info', Date.now(), 'capped');
    expect(await c.flush(30_000)).toBe(true);
    expect(retries[0]!.delayMs).toBe(100);
  });

  it('counts a batch that fails every attempt as retries_exhausted and moves on', async () => {
    receiver.script({ status: 500 }, { status: 502 }, { status: 500 });
    const { c, retries, warnings } = client({ backoff: { minMs: 10, maxMs: 50, maxAttempts: 3 } });
    c.push('delivery', 'info', Date.now(), 'lost 1');
    c.push('delivery', 'info', Date.now(), 'lost 2');
    expect(await c.flush(30_000)).toBe(true);
    c.push('delivery', 'info', Date.now(), 'after the failure');
    expect(await c.flush(30_000)).toBe(true);
    expect(retries).toHaveLength(2);
    expect(c.snapshot().droppedEntries.retries_exhausted).toBe(2);
    expect(c.snapshot().sentEntries).toBe(1);
    expect(warnings).toEqual([expect.stringMatching(/gave up on 2 log lines after 3 attempts/)]);
    expect(receiver.acceptedLines()).toEqual(['after the failure']);
  });
});

describe('refused answers', () => {
  it('drops a batch Loki answers 400 at once, counted as rejected with its reason, and keeps going', async () => {
    receiver.script({ status: 400, body: 'entry for stream has timestamp too old' });
    const { c, retries, warnings } = client();
    c.push('smtp', 'info', Date.now(), 'refused 1');
    c.push('smtp', 'info', Date.now(), 'refused 2');
    expect(await c.flush(30_000)).toBe(true);
    c.push('smtp', 'info', Date.now(), 'accepted');
    expect(await c.flush(30_000)).toBe(true);

    expect(receiver.requests.map((r) => r.status)).toEqual([400, 204]);
    expect(retries).toHaveLength(0);
    const s = c.snapshot();
    expect(s.droppedEntries.rejected).toBe(2);
    expect(s.sentEntries).toBe(1);
    expect(s.lastError).toBe('400: entry for stream has timestamp too old');
    expect(warnings).toEqual(['Loki refused 2 log lines (400): entry for stream has timestamp too old']);
    expect(receiver.acceptedLines()).toEqual(['accepted']);
  });

  it('treats 401, 403 and 413 the same way: no retry', async () => {
    receiver.script({ status: 401 }, { status: 403 }, { status: 413 });
    const { c, retries } = client();
    for (let i = 0; i < 3; i++) {
      c.push('smtp', 'info', Date.now(), `refused ${i}`);
      expect(await c.flush(30_000)).toBe(true);
    }
    expect(retries).toHaveLength(0);
    expect(c.snapshot().droppedEntries.rejected).toBe(3);
  });
});

describe('one request in flight', () => {
  it('holds further batches while Loki is slow instead of opening more requests', async () => {
    receiver.script(...Array.from({ length: 5 }, () => ({ status: 204, delayMs: 50 })));
    const { c } = client({ batchMaxBytes: 2048, bufferMaxBytes: 1 << 20 });
    for (let i = 0; i < 200; i++) c.push('smtp', 'info', Date.now(), `slow ${i} ${'.'.repeat(40)}`);
    expect(await c.flush(30_000)).toBe(true);
    expect(receiver.requests.length).toBeGreaterThan(5);
    expect(receiver.maxConcurrent).toBe(1);
    expect(receiver.acceptedLines()).toHaveLength(200);
  });
});
