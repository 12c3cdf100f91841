// The retry schedule: jittered, exponential, never shrinking, capped, and floored by Retry-After.
import { describe, expect, it } from 'vitest';
import { isRetryable, parseRetryAfter, retryDelayMs } from './backoff.ts';

const promtailLike = { minMs: 500, maxMs: 300_000, maxAttempts: 10 };

describe('retryDelayMs', () => {
  it('draws retry k from [min·2^(k-1), min·2^k]', () => {
    expect(retryDelayMs(1, promtailLike, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, promtailLike, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(3, promtailLike, undefined, () => 0)).toBe(2000);
    expect(retryDelayMs(3, promtailLike, undefined, () => 1)).toBe(4000);
  });

  it('never shrinks from one retry to the next, whatever the jitter, and stops at max', () => {
    for (let run = 0; run < 200; run++) {
      const delays = Array.from({ length: 15 }, (_, i) => retryDelayMs(i + 1, promtailLike));
      for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
      expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
      expect(delays.at(-1)).toBe(300_000);
    }
  });

  it('waits at least as long as Retry-After asks, but no longer than max', () => {
    expect(retryDelayMs(1, promtailLike, 7_000, () => 0)).toBe(7_000);
    expect(retryDelayMs(1, promtailLike, 100, () => 0)).toBe(500);
    expect(retryDelayMs(1, promtailLike, 3_600_000, () => 0)).toBe(300_000);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('isRetryable', () => {
  it('retries throttling, server errors and no answer; not other client errors', () => {
    expect([0, 429, 500, 502, 503, 504].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 413].some(isRetryable)).toBe(false);
  });
});
