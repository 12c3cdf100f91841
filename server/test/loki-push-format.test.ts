// What our Loki client puts on the wire, as Loki would decode it: stream labels, nanosecond timestamps
// in push order, the lines, structured metadata, tenant and auth headers, both formats, and TLS.
import { generate } from 'selfsigned';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LokiClient, type LokiClientOptions } from '../src/telemetry/loki/index.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import type { DecodedStream } from './helpers/loki-wire.ts';

let receiver: LokiReceiver;
const clients: LokiClient[] = [];

function client(options: Partial<LokiClientOptions> = {}): LokiClient {
  const c = new LokiClient({ url: receiver.url, instance: 'h1', batchWaitMs: 20, ...options });
  clients.push(c);
  return c;
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

describe('protobuf push', () => {
  it('sends snappy protobuf to /loki/api/v1/push with bounded labels, ordered ns timestamps and structured metadata', async () => {
    const c = client({ tenantId: 'team-a', structuredMetadata: true, auth: { username: 'mailroom', password: 's3cret' } });
    const ms = Date.parse('2025-03-01T10:00:00.123Z');
    c.push('smtp', 'info', ms, 'first in this ms', { session_id: 'S1', client_ip: '192.0.2.7' });
    c.push('smtp', 'warn', ms, 'second in the same ms', { session_id: 'S1', user: 'alice@example.test' });
    c.push('delivery', 'info', ms, 'other stream, same ms', { queue_id: 'Q1' });
    c.push('smtp', 'error', ms + 1, 'next ms');
    expect(await c.flush(10_000)).toBe(true);

    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.error).toBeUndefined();
    expect(req.path).toBe('/loki/api/v1/push');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['content-encoding']).toBeUndefined();
    expect(req.headers['x-scope-orgid']).toBe('team-a');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('mailroom:s3cret').toString('base64')}`);

    const byCategory: Record<string, DecodedStream> = Object.fromEntries(req.streams.map((s) => [s.labelSet.category, s]));
    expect(byCategory.smtp!.labels).toBe('{service_name="mailroom", instance="h1", category="smtp"}');
    expect(Object.keys(byCategory.delivery!.labelSet).sort()).toEqual(['category', 'instance', 'service_name']);
    const base = BigInt(ms) * 1_000_000n;
    expect(byCategory.smtp!.entries.map((e) => [e.ts, e.line])).toEqual([
      [base, 'first in this ms'],
      [base + 1n, 'second in the same ms'],
      [base + 1_000_000n, 'next ms'],
    ]);
    expect(byCategory.delivery!.entries.map((e) => e.ts)).toEqual([base]);
    expect(byCategory.smtp!.entries.map((e) => e.metadata)).toEqual([
      { level: 'info', session_id: 'S1', client_ip: '192.0.2.7' },
      { level: 'warn', session_id: 'S1', user: 'alice@example.test' },
      { level: 'error' },
    ]);
    expect(byCategory.delivery!.entries[0]!.metadata).toEqual({ level: 'info', queue_id: 'Q1' });
    expect(c.snapshot()).toMatchObject({ sentEntries: 4, batchRetries: 0, requests: { '204': 1 }, bufferedEntries: 0, bufferedBytes: 0 });
  });

  it('keeps ids and addresses out of the request when structured metadata is off (they are in the line)', async () => {
    const c = client({ auth: { bearerToken: 'tok-123' } });
    c.push('smtp', 'info', Date.now(), '{"session":"S2","msg":"hello"}', { session_id: 'S2' });
    expect(await c.flush(10_000)).toBe(true);
    const req = receiver.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer tok-123');
    expect(req.headers['x-scope-orgid']).toBeUndefined();
    expect(req.streams[0]!.entries[0]!.metadata).toEqual({});
    expect(req.streams[0]!.entries[0]!.line).toBe('{"session":"S2","msg":"hello"}');
  });

  it('keeps strict timestamp order over thousands of lines in one millisecond, across batches', async () => {
    const c = client({ batchMaxBytes: 8 * 1024, bufferMaxBytes: 1 << 20 });
    const ms = Date.now();
    for (let i = 0; i < 3000; i++) c.push('imap', 'info', ms, `line ${i}`);
    expect(await c.flush(20_000)).toBe(true);
    expect(receiver.requests.length).toBeGreaterThan(10);
    const got = receiver.accepted();
    expect(got.map((e) => e.line)).toEqual(Array.from({ length: 3000 }, (_, i) => `line ${i}`));
    for (let i = 1; i < got.length; i++) expect(got[i]!.ts).toBe(got[i - 1]!.ts + 1n);
    expect(receiver.maxConcurrent).toBe(1);
  });
});

describe('JSON push', () => {
  it('sends Loki JSON with label objects, ns strings and metadata objects', async () => {
    const c = client({ format: 'json', structuredMetadata: true, tenantId: 'team-b' });
    const ms = Date.parse('2025-03-01T10:00:00.500Z');
    c.push('pop3', 'info', ms, 'json one', { session_id: 'P1' });
    c.push('pop3', 'info', ms, 'json two');
    expect(await c.flush(10_000)).toBe(true);
    const req = receiver.requests[0]!;
    expect(req.error).toBeUndefined();
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-scope-orgid']).toBe('team-b');
    expect(req.streams[0]!.labelSet).toEqual({ service_name: 'mailroom', instance: 'h1', category: 'pop3' });
    expect(req.streams[0]!.entries).toEqual([
      { ts: BigInt(ms) * 1_000_000n, line: 'json one', metadata: { level: 'info', session_id: 'P1' } },
      { ts: BigInt(ms) * 1_000_000n + 1n, line: 'json two', metadata: { level: 'info' } },
    ]);
  });
});

describe('TLS', () => {
  let tlsReceiver: LokiReceiver;
  let cert: string;

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    cert = pems.cert;
    tlsReceiver = await LokiReceiver.start({ tls: { key: pems.private, cert: pems.cert } });
  });
  afterAll(async () => {
    await tlsReceiver.close();
  });

  it('pushes over https trusting a given CA, or with verification off', async () => {
    const trusted = client({ url: tlsReceiver.url, tls: { ca: cert } });
    trusted.push('smtp', 'info', Date.now(), 'over tls with ca');
    expect(await trusted.flush(10_000)).toBe(true);
    const insecure = client({ url: tlsReceiver.url, tls: { insecureSkipVerify: true } });
    insecure.push('smtp', 'info', Date.now(), 'over tls, unverified');
    expect(await insecure.flush(10_000)).toBe(true);
    expect(tlsReceiver.acceptedLines()).toEqual(['over tls with ca', 'over tls, unverified']);
  });

  it('refuses an untrusted certificate: a network failure, retried, then counted', async () => {
    const c = client({ url: tlsReceiver.url, backoff: { minMs: 10, maxMs: 20, maxAttempts: 2 } });
    c.push('smtp', 'info', Date.now(), 'never delivered');
    expect(await c.flush(10_000)).toBe(true);
    const s = c.snapshot();
    expect(s.droppedEntries.retries_exhausted).toBe(1);
    expect(s.requests).toEqual({ network: 2 });
    expect(s.lastError).toMatch(/certificate/i);
  });
});
