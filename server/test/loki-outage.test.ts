// Loki goes away (connection refused) and comes back. While the buffer holds, nothing is lost and
// order is kept; when it overflows, the oldest waiting lines are dropped and counted exactly, the batch
// already in flight is kept, and the newest lines arrive.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LokiClient, type LokiClientOptions } from '../src/telemetry/loki/index.ts';
import { ENTRY_OVERHEAD_BYTES } from '../src/telemetry/loki/options.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';

let receiver: LokiReceiver;
const clients: LokiClient[] = [];

function client(options: Partial<LokiClientOptions> = {}): LokiClient {
  // Enough attempts that the batch outlives any outage here; the waits stay short.
  const c = new LokiClient({ url: receiver.url, instance: 'h1', batchWaitMs: 20, backoff: { minMs: 10, maxMs: 100, maxAttempts: 1000 }, ...options });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  receiver = await LokiReceiver.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(1000);
  await receiver.close();
});
afterAll(async () => {
  await receiver?.close();
});

describe('Loki down for a while', () => {
  it('loses no line while the buffer holds, and keeps order per stream', async () => {
    const c = client({ batchMaxBytes: 4096, bufferMaxBytes: 1 << 20 });
    const pushed: string[] = [];
    const push = (i: number): void => {
      const line = `outage line ${i}`;
      pushed.push(line);
      c.push(i % 3 === 0 ? 'delivery' : 'smtp', 'info', Date.now(), line);
    };
    await receiver.down();
    for (let i = 0; i < 100; i++) push(i);
    await receiver.waitFor(() => c.snapshot().batchRetries >= 3, 'the client to meet the outage');
    expect(c.snapshot().requests.network).toBeGreaterThanOrEqual(3);
    for (let i = 100; i < 200; i++) push(i);
    await receiver.up();
    expect(await c.flush(30_000)).toBe(true);

    const got = receiver.accepted();
    expect(got.map((e) => e.line).sort()).toEqual([...pushed].sort());
    for (const category of ['smtp', 'delivery']) {
      const stream = got.filter((e) => e.labelSet.category === category);
      expect(stream.map((e) => e.line)).toEqual(pushed.filter((l) => (Number(l.split(' ')[2]) % 3 === 0) === (category === 'delivery')));
      for (let i = 1; i < stream.length; i++) expect(stream[i]!.ts).toBeGreaterThan(stream[i - 1]!.ts);
    }
    const s = c.snapshot();
    expect(s.sentEntries).toBe(200);
    expect(Object.values(s.droppedEntries).reduce((a, b) => a + b)).toBe(0);
  });

  it('drops the oldest waiting lines when the buffer is full, counts them exactly, and delivers the rest', async () => {
    const batchMaxBytes = 4096;
    const bufferMaxBytes = 2 * batchMaxBytes;
    const c = client({ batchMaxBytes, bufferMaxBytes });
    const line = (i: number): string => `overflow ${String(i).padStart(5, '0')} ${'x'.repeat(84)}`; // 100 bytes each
    const entryBytes = Buffer.byteLength(line(0)) + ENTRY_OVERHEAD_BYTES;
    const fits = Math.floor(bufferMaxBytes / entryBytes);
    const perBatch = Math.floor(batchMaxBytes / entryBytes);
    await receiver.down();

    // Phase 1: one synchronous burst, nothing in flight yet: exactly the newest `fits` lines remain.
    for (let i = 0; i < 500; i++) c.push('smtp', 'info', Date.now(), line(i));
    expect(c.snapshot().droppedEntries.buffer_full).toBe(500 - fits);
    expect(c.snapshot().bufferedEntries).toBe(fits);
    const kept = Array.from({ length: fits }, (_, i) => line(500 - fits + i));

    // Phase 2: the oldest kept batch is now in flight, retrying; more lines shed the oldest *waiting* ones.
    await receiver.waitFor(() => c.snapshot().batchRetries >= 2, 'the first batch to be retrying');
    const inFlight = kept.slice(0, perBatch);
    for (let i = 500; i < 600; i++) c.push('smtp', 'info', Date.now(), line(i));
    const waiting = fits - perBatch;
    const newest = Array.from({ length: waiting }, (_, i) => line(600 - waiting + i));
    expect(c.snapshot().droppedEntries.buffer_full).toBe(500 - fits + 100);
    expect(c.snapshot().peakBufferedBytes).toBeLessThanOrEqual(bufferMaxBytes);

    await receiver.up();
    expect(await c.flush(30_000)).toBe(true);
    expect(receiver.acceptedLines()).toEqual([...inFlight, ...newest]);
    const s = c.snapshot();
    expect(s.sentEntries + s.droppedEntries.buffer_full).toBe(600);
  });
});
