import { describe, expect, it } from 'vitest';
import { OutageBackoff } from './outage-backoff.ts';

describe('OutageBackoff', () => {
  it('doubles the wait per failure up to the cap, and starts over after a success', () => {
    const b = new OutageBackoff(500, 4000);
    expect(b.failing).toBe(false);
    expect([b.failed(), b.failed(), b.failed(), b.failed(), b.failed()]).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(b.delayMs).toBe(4000);
    expect(b.succeeded()).toBe(true);
    expect(b.succeeded()).toBe(false);
    expect(b.delayMs).toBe(0);
    expect(b.failed()).toBe(500);
  });
});
