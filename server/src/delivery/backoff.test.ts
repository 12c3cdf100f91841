// Retry timing: each attempt takes its step of the schedule, the last step repeats, expiry is inclusive.
import { describe, expect, it } from 'vitest';
import { isExpired, retryDelaySeconds } from './backoff.ts';

describe('retryDelaySeconds', () => {
  const schedule = [60, 300, 900];

  it('uses the step for the attempt just made, then repeats the last one', () => {
    expect([1, 2, 3, 4, 50].map((a) => retryDelaySeconds(schedule, a))).toEqual([60, 300, 900, 900, 900]);
  });

  it('treats a zero or negative attempt count as the first attempt', () => {
    expect(retryDelaySeconds(schedule, 0)).toBe(60);
    expect(retryDelaySeconds(schedule, -3)).toBe(60);
  });

  it('works with a one-step schedule', () => {
    expect(retryDelaySeconds([5], 1)).toBe(5);
    expect(retryDelaySeconds([5], 9)).toBe(5);
  });
});

describe('isExpired', () => {
  it('expires exactly at createdAt + expiry and not a millisecond before', () => {
    const created = 1_000_000;
    expect(isExpired(created, created + 9_999, 10)).toBe(false);
    expect(isExpired(created, created + 10_000, 10)).toBe(true);
    expect(isExpired(created, created + 99_000, 10)).toBe(true);
  });
});
