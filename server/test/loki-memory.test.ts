// Logging must stay cheap and bounded whatever Loki does: push() is synchronous, does no encoding or
// network work itself, never throws, and memory stays under bufferMaxBytes by the client's own
// accounting and, coarsely, by the heap.
import { randomBytes } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LokiClient, type LokiClientOptions } from '../src/telemetry/loki/index.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';

let receiver: LokiReceiver;
const clients: LokiClient[] = [];

function client(options: Partial<LokiClientOptions> = {}): LokiClient {
  const c = new LokiClient({ url: receiver.url, instance: 'h1', batchWaitMs: 20, backoff: { minMs: 10, maxMs: 100, maxAttempts: 1000 }, ...options });
  clients.push(c);
  return c;
}

/** A real full collection, so heap figures are live data rather than garbage not yet collected. */
function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

beforeAll(async () => {
  receiver = await LokiReceiver.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(1000);
  if (!(await isUp())) await receiver.up();
});
afterAll(async () => {
  await receiver.close();
});

async function isUp(): Promise<boolean> {
  return fetch(`${receiver.url}/ready`).then(
    () => true,
    () => false,
  );
}

describe('memory', () => {
  it('stays under bufferMaxBytes while Loki is down and 80 MB of logs are pushed', async () => {
    const bufferMaxBytes = 4 * 1024 * 1024;
    const c = client({ batchMaxBytes: 512 * 1024, bufferMaxBytes });
    await receiver.down();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;

    const lines = 40_000;
    for (let i = 0; i < lines; i++) {
      c.push('smtp', 'info', Date.now(), randomBytes(1000).toString('hex')); // 2000 fresh bytes each
      if (i % 1000 === 0) expect(c.snapshot().bufferedBytes).toBeLessThanOrEqual(bufferMaxBytes);
      if (i % 10_000 === 0) await new Promise((r) => setImmediate(r)); // let the sender run and retry meanwhile
    }
    const s = c.snapshot();
    expect(s.peakBufferedBytes).toBeLessThanOrEqual(bufferMaxBytes);
    expect(s.peakBufferedBytes).toBeGreaterThan(bufferMaxBytes * 0.9);
    expect(s.bufferedEntries + s.droppedEntries.buffer_full).toBe(lines); // every line is held or counted

    collectGarbage();
    const grown = process.memoryUsage().heapUsed - heapBefore;
    // Holding everything would be over 80 MB; the bound is 4 MiB. Allow generous slack for the runtime.
    expect(grown).toBeLessThan(24 * 1024 * 1024);
  });
});

describe('push()', () => {
  it('is synchronous and leaves encoding and sending to the background', async () => {
    const c = client({ batchMaxBytes: 4096, bufferMaxBytes: 1 << 20 });
    const requestsBefore = receiver.requests.length;
    const results: unknown[] = [];
    for (let i = 0; i < 5000; i++) results.push(c.push('smtp', 'info', Date.now(), `sync ${i}`));
    // 5000 lines are many full batches, yet nothing was encoded or sent during the loop.
    expect(results.every((r) => r === undefined)).toBe(true);
    expect(c.snapshot().encodedBatches).toBe(0);
    expect(receiver.requests.length).toBe(requestsBefore);
    expect(c.snapshot().bufferedEntries).toBe(5000);
    expect(await c.flush(30_000)).toBe(true);
    expect(c.snapshot().sentEntries).toBe(5000);
  });

  it('does constant work per line when the buffer is full: exactly one old line shed per new line', async () => {
    const c = client({ batchMaxBytes: 4096, bufferMaxBytes: 8192 });
    await receiver.down();
    const line = (i: number): string => `full ${String(i).padStart(6, '0')}`;
    let i = 0;
    while (c.snapshot().droppedEntries.buffer_full === 0) c.push('smtp', 'info', Date.now(), line(i++));
    const held = c.snapshot().bufferedEntries;
    for (let n = 1; n <= 10_000; n++) {
      c.push('smtp', 'info', Date.now(), line(i++));
      if (n % 997 === 0) expect(c.snapshot().droppedEntries.buffer_full).toBe(1 + n);
    }
    expect(c.snapshot().droppedEntries.buffer_full).toBe(10_001);
    expect(c.snapshot().bufferedEntries).toBe(held);
  });

  it('never throws, whatever it is given, and counts what it cannot take', () => {
    const c = client({ structuredMetadata: true, maxLineBytes: 1000 });
    const hostile = Object.defineProperty({}, 'session_id', {
      enumerable: true,
      get() {
        throw new Error('getter blew up');
      },
    });
    expect(() => {
      c.push('smtp', 'info', Date.now(), undefined as unknown as string);
      c.push('smtp', 'info', Number.NaN, 'no time: gets now');
      c.push({} as unknown as string, 7 as unknown as string, Date.now(), 'odd category and level');
      c.push('smtp', 'info', Date.now(), 'hostile metadata', hostile);
      c.push('smtp', 'info', Date.now(), 'y'.repeat(1001));
      c.push('smtp', 'info', Date.now(), 'ok', { 'bad name': 'x', good_name: 42, empty: '', nothing: undefined });
    }).not.toThrow();
    const s = c.snapshot();
    expect(s.droppedEntries.invalid).toBe(2);
    expect(s.droppedEntries.line_too_long).toBe(1);
    expect(s.bufferedEntries).toBe(3);
  });

  it('after close(), counts lines as shutdown instead of queueing them', async () => {
    const c = client();
    await c.close(1000);
    c.push('smtp', 'info', Date.now(), 'too late');
    expect(c.snapshot().droppedEntries.shutdown).toBe(1);
    expect(c.snapshot().bufferedEntries).toBe(0);
  });
});
