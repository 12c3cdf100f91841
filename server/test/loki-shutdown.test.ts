// Shutdown: flush() sends what is buffered without waiting for the batch timer and reports whether it
// all went; close() gives up at its deadline, counting what is left as `shutdown`, and never hangs.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LokiClient, type LokiClientOptions } from '../src/telemetry/loki/index.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';

let receiver: LokiReceiver;
const clients: LokiClient[] = [];

function client(options: Partial<LokiClientOptions> = {}): LokiClient {
  // A batch wait far longer than any test: only flush() can make these lines go.
  const c = new LokiClient({ url: receiver.url, instance: 'h1', batchWaitMs: 600_000, backoff: { minMs: 10, maxMs: 50, maxAttempts: 1000 }, ...options });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  receiver = await LokiReceiver.start();
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close(500);
  await receiver.close();
});
afterAll(async () => {
  await receiver?.close();
});

describe('flush', () => {
  it('sends at once what was pushed before it, and resolves true', async () => {
    const c = client();
    for (let i = 0; i < 5; i++) c.push('smtp', 'info', Date.now(), `flushed ${i}`);
    expect(await c.flush(10_000)).toBe(true);
    expect(receiver.acceptedLines()).toEqual(['flushed 0', 'flushed 1', 'flushed 2', 'flushed 3', 'flushed 4']);
    expect(await c.flush(10_000)).toBe(true); // nothing left: resolves at once
  });

  it('resolves false at its deadline while Loki is down, but drops nothing: the lines go later', async () => {
    const c = client();
    await receiver.down();
    c.push('smtp', 'info', Date.now(), 'patient line');
    expect(await c.flush(200)).toBe(false);
    expect(c.snapshot().bufferedEntries).toBe(1);
    expect(Object.values(c.snapshot().droppedEntries).reduce((a, b) => a + b)).toBe(0);
    await receiver.up();
    expect(await c.flush(10_000)).toBe(true);
    expect(receiver.acceptedLines()).toEqual(['patient line']);
  });
});

describe('close', () => {
  it('delivers everything when Loki is up', async () => {
    const c = client();
    c.push('application', 'info', Date.now(), 'goodbye');
    expect(await c.close(10_000)).toBe(true);
    expect(receiver.acceptedLines()).toEqual(['goodbye']);
  });

  it('gives up at its deadline when Loki is down and counts the rest as shutdown', async () => {
    const c = client({ batchMaxBytes: 4096 });
    await receiver.down();
    for (let i = 0; i < 100; i++) c.push('smtp', 'info', Date.now(), `unsendable ${i} ${'.'.repeat(60)}`);
    expect(await c.close(300)).toBe(false);
    const s = c.snapshot();
    expect(s.droppedEntries.shutdown).toBe(100); // the batch in flight and the waiting lines alike
    expect(s.bufferedEntries).toBe(0);
    expect(s.bufferedBytes).toBe(0);
    c.push('smtp', 'info', Date.now(), 'after close');
    expect(c.snapshot().droppedEntries.shutdown).toBe(101);
  });

  it('cuts a hanging request short', async () => {
    receiver.script({ status: 204, delayMs: 5_000 });
    const c = client({ requestTimeoutMs: 60_000 });
    c.push('smtp', 'info', Date.now(), 'stuck in a slow request');
    expect(await c.close(200)).toBe(false);
    expect(c.snapshot().droppedEntries.shutdown).toBe(1);
  });
});
