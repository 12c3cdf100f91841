// Stream labels stay few and parse as Loki parses them; timestamps keep push order inside a stream.
import { describe, expect, it } from 'vitest';
import { parseLabels } from '../../../test/helpers/loki-wire.ts';
import { StreamTable, escapeLabelValue, nanosString, nextTimestamp } from './streams.ts';

describe('stream labels', () => {
  it('are service_name, instance and category in selector form', () => {
    const s = new StreamTable('mailroom', 'h1', 32).get('smtp');
    expect(s.labels).toBe('{service_name="mailroom", instance="h1", category="smtp"}');
    expect(parseLabels(s.labels)).toEqual({ service_name: 'mailroom', instance: 'h1', category: 'smtp' });
  });

  it('escape values so that quotes, backslashes and control characters survive the parser', () => {
    const odd = 'a "quoted" \\ back\nslash\ttab\u0001';
    const s = new StreamTable('mail"room', odd, 32).get('smtp');
    expect(parseLabels(s.labels)).toEqual({ service_name: 'mail"room', instance: odd, category: 'smtp' });
    expect(escapeLabelValue('plain-host.example')).toBe('plain-host.example');
  });

  it('are reused per category and bounded: categories past maxStreams share category="other"', () => {
    const t = new StreamTable('mailroom', 'h1', 3);
    expect(t.get('smtp')).toBe(t.get('smtp'));
    t.get('imap');
    const overflow = t.get('invented-1');
    expect(overflow.category).toBe('other');
    expect(t.get('invented-2')).toBe(overflow);
    expect(t.get('smtp').category).toBe('smtp');
  });
});

describe('stream timestamps', () => {
  it('start each new millisecond at nanosecond 0 and add 1 ns per line within the same millisecond', () => {
    const s = new StreamTable('m', 'h', 8).get('smtp');
    expect(nextTimestamp(s, 1_700_000_000_123)).toEqual([1_700_000_000_123, 0]);
    expect(nextTimestamp(s, 1_700_000_000_123)).toEqual([1_700_000_000_123, 1]);
    expect(nextTimestamp(s, 1_700_000_000_123)).toEqual([1_700_000_000_123, 2]);
    expect(nextTimestamp(s, 1_700_000_000_124)).toEqual([1_700_000_000_124, 0]);
  });

  it('never go backwards when the clock steps back, and carry into the next millisecond', () => {
    const s = new StreamTable('m', 'h', 8).get('smtp');
    nextTimestamp(s, 5_000);
    expect(nextTimestamp(s, 4_000)).toEqual([5_000, 1]);
    s.lastNs = 999_999;
    expect(nextTimestamp(s, 5_000)).toEqual([5_001, 0]);
  });

  it('are independent per stream', () => {
    const t = new StreamTable('m', 'h', 8);
    nextTimestamp(t.get('smtp'), 7_000);
    expect(nextTimestamp(t.get('imap'), 7_000)).toEqual([7_000, 0]);
  });

  it('fall back to now for a missing or negative time', () => {
    const s = new StreamTable('m', 'h', 8).get('smtp');
    const before = Date.now();
    const [ms] = nextTimestamp(s, Number.NaN);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(nextTimestamp(s, -1)[0]).toBeGreaterThanOrEqual(ms);
  });

  it('print as epoch nanoseconds', () => {
    expect(nanosString(1_700_000_000_123, 7)).toBe('1700000000123000007');
    expect(BigInt(nanosString(1_700_000_000_123, 999_999))).toBe(1_700_000_000_123_999_999n);
  });
});
