import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDateTime, formatDuration, formatLogTime, secondsSince } from './format';

describe('format', () => {
  it('sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(2048)).toBe('2.0 KiB');
    expect(formatBytes(52_000)).toBe('51 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(-1)).toBe('-');
  });

  it('durations', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59)).toBe('59s');
    expect(formatDuration(61)).toBe('1m 1s');
    expect(formatDuration(3600)).toBe('1h 0m');
    expect(formatDuration(90061)).toBe('1d 1h 1m');
    expect(formatDuration(Number.NaN)).toBe('-');
  });

  it('times in the local zone', () => {
    const d = new Date(2025, 10, 28, 9, 5, 7, 42);
    expect(formatDateTime(d.toISOString())).toBe('2025-11-28 09:05:07');
    expect(formatDateTime(null)).toBe('-');
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatLogTime(d.getTime())).toBe('09:05:07.042');
    expect(formatLogTime(d.toISOString())).toBe('09:05:07.042');
    expect(formatLogTime(undefined)).toBe('');
  });

  it('seconds since, never negative', () => {
    expect(secondsSince('2025-01-01T00:00:00Z', Date.parse('2025-01-01T00:01:30Z'))).toBe(90);
    expect(secondsSince('2025-01-01T00:00:10Z', Date.parse('2025-01-01T00:00:00Z'))).toBe(0);
    expect(secondsSince(null, 0)).toBeNull();
  });

  it('counts', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(undefined)).toBe('-');
  });
});
