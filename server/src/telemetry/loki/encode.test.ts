// Both wire formats, decoded by the test receiver's independent decoder (protobufjs from Loki's .proto
// text, a hand-written snappy block decoder, Loki's JSON rules) after compression by the real snappy.
import { randomBytes } from 'node:crypto';
import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { decodeJsonPush, decodeProtobufPush, snappyBlockDecode } from '../../../test/helpers/loki-wire.ts';
import { groupByStream } from './batch.ts';
import { encodeJsonPushRequest } from './encode-json.ts';
import { encodePushRequest } from './encode-protobuf.ts';
import type { LokiEntry } from './entry-queue.ts';
import { StreamTable } from './streams.ts';

const table = new StreamTable('mailroom', 'h1', 8);
let seq = 0;
function entry(category: string, ms: number, ns: number, line: string, metadata?: [string, string][]): LokiEntry {
  return { stream: table.get(category), ms, ns, line, metadata, bytes: 0, seq: ++seq, queuedAt: 0 };
}

const entries = [
  entry('smtp', 1_700_000_000_123, 0, '{"msg":"connected"}', [
    ['level', 'info'],
    ['session_id', 's1'],
  ]),
  entry('delivery', 1_700_000_000_123, 0, 'queued ✉ ünïcödé', [
    ['level', 'warn'],
    ['queue_id', 'q-9'],
  ]),
  entry('smtp', 1_700_000_000_123, 1, '', undefined),
  entry('smtp', 1_700_000_001_000, 0, 'x'.repeat(70_000), [['level', 'error']]),
  entry('smtp', 0, 0, 'epoch zero: both timestamp fields are left out'),
];
const groups = groupByStream(entries);

describe('encodePushRequest', () => {
  it('is a logproto.PushRequest Loki decodes: labels, nanosecond timestamps, lines, structured metadata', () => {
    const streams = decodeProtobufPush(compressSync(encodePushRequest(groups)));
    expect(streams.map((s) => s.labelSet.category)).toEqual(['smtp', 'delivery']);
    expect(streams[0]!.labels).toBe('{service_name="mailroom", instance="h1", category="smtp"}');
    expect(streams[0]!.entries.map((e) => e.ts)).toEqual([1_700_000_000_123_000_000n, 1_700_000_000_123_000_001n, 1_700_000_001_000_000_000n, 0n]);
    expect(streams[0]!.entries.map((e) => e.line)).toEqual(['{"msg":"connected"}', '', 'x'.repeat(70_000), 'epoch zero: both timestamp fields are left out']);
    expect(streams[0]!.entries[0]!.metadata).toEqual({ level: 'info', session_id: 's1' });
    expect(streams[0]!.entries[1]!.metadata).toEqual({});
    expect(streams[1]!.entries).toEqual([{ ts: 1_700_000_000_123_000_000n, line: 'queued ✉ ünïcödé', metadata: { level: 'warn', queue_id: 'q-9' } }]);
  });

  it('encodes an empty batch as an empty request', () => {
    expect(decodeProtobufPush(compressSync(encodePushRequest([])))).toEqual([]);
  });
});

describe('encodeJsonPushRequest', () => {
  it('is Loki JSON: label object, nanosecond strings, metadata as a third element only when present', () => {
    const body = encodeJsonPushRequest(groups);
    const raw = JSON.parse(body.toString()) as { streams: { stream: object; values: unknown[][] }[] };
    expect(raw.streams[0]!.stream).toEqual({ service_name: 'mailroom', instance: 'h1', category: 'smtp' });
    expect(raw.streams[0]!.values[0]).toEqual(['1700000000123000000', '{"msg":"connected"}', { level: 'info', session_id: 's1' }]);
    expect(raw.streams[0]!.values[1]).toEqual(['1700000000123000001', '']);
    const decoded = decodeJsonPush(body);
    expect(decoded[1]!.entries[0]).toEqual({ ts: 1_700_000_000_123_000_000n, line: 'queued ✉ ünïcödé', metadata: { level: 'warn', queue_id: 'q-9' } });
  });
});

describe('the test receiver snappy decoder', () => {
  it('round-trips what the real snappy library compresses, and refuses a framed or plain body', () => {
    for (const input of [Buffer.alloc(0), randomBytes(100_000), Buffer.from('abcabcabc'.repeat(20_000)), Buffer.concat([randomBytes(70_000), Buffer.alloc(70_000, 7)])]) {
      expect(snappyBlockDecode(compressSync(input)).equals(input)).toBe(true);
    }
    expect(() => snappyBlockDecode(Buffer.from('{"streams":[]}'))).toThrow(/snappy/);
  });
});
