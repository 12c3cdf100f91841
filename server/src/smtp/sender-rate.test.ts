// The per-user hourly message limit: a sliding hour, case-insensitive users, 0 for no limit.
import { describe, expect, it } from 'vitest';
import { SenderRate } from './sender-rate.ts';

describe('SenderRate', () => {
  it('allows the limit within an hour, then again as the oldest message falls out', () => {
    let now = 0;
    const rate = new SenderRate(3, () => now);
    for (let i = 0; i < 3; i++) {
      expect(rate.allows('alice@example.test')).toBe(true);
      rate.record('Alice@Example.test');
      now += 60_000;
    }
    expect(rate.allows('alice@example.test')).toBe(false);
    expect(rate.allows('bob@example.test')).toBe(true);
    // The first message was at 0; it leaves the hour at 3600 s, 3420 s from now (180 s).
    expect(rate.retryAfterSeconds('alice@example.test')).toBe(3420);
    now = 3_600_001;
    expect(rate.allows('alice@example.test')).toBe(true);
  });

  it('never limits with 0', () => {
    const rate = new SenderRate(0);
    for (let i = 0; i < 1000; i++) rate.record('alice@example.test');
    expect(rate.allows('alice@example.test')).toBe(true);
    expect(rate.retryAfterSeconds('alice@example.test')).toBe(0);
  });
});
