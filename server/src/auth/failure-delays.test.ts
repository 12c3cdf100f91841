import { describe, expect, it } from 'vitest';
import { FailureDelays } from './failure-delays.ts';

describe('FailureDelays', () => {
  it('doubles per failure from one address within the window, up to the maximum', () => {
    const delays = new FailureDelays({ baseMs: 1000, maxMs: 5000, windowMs: 60_000 });
    expect([1, 2, 3, 4, 5].map((i) => delays.next('192.0.2.1', i))).toEqual([1000, 2000, 4000, 5000, 5000]);
    // Another address starts at the base.
    expect(delays.next('192.0.2.2', 10)).toBe(1000);
  });

  it('forgets failures older than the window', () => {
    const delays = new FailureDelays({ baseMs: 100, maxMs: 10_000, windowMs: 1000 });
    delays.next('192.0.2.1', 0);
    delays.next('192.0.2.1', 10);
    expect(delays.next('192.0.2.1', 20)).toBe(400);
    expect(delays.next('192.0.2.1', 5000)).toBe(100);
  });

  it('stays at 0 when the base delay is 0', () => {
    const delays = new FailureDelays({ baseMs: 0, maxMs: 10_000, windowMs: 1000 });
    expect([1, 2, 3].map((i) => delays.next('192.0.2.1', i))).toEqual([0, 0, 0]);
  });
});
