import { describe, expect, it } from 'vitest';
import { PerMinuteCounter } from './per-minute-counter.ts';

describe('PerMinuteCounter', () => {
  it('counts per key within a clock minute and starts again at the next', () => {
    let now = 60_000 * 100 + 1_000;
    const counter = new PerMinuteCounter(10, () => now);
    expect([counter.hit('a'), counter.hit('a'), counter.hit('b'), counter.hit('a')]).toEqual([1, 2, 1, 3]);
    now += 58_000; // still the same minute
    expect(counter.hit('a')).toBe(4);
    now += 2_000; // the next one
    expect(counter.hit('a')).toBe(1);
  });

  it('stops counting new keys at maxKeys, keeps counting known ones', () => {
    const counter = new PerMinuteCounter(2, () => 0);
    counter.hit('a');
    counter.hit('b');
    expect(counter.hit('c')).toBe(1);
    expect(counter.hit('c')).toBe(1);
    expect(counter.hit('a')).toBe(2);
  });
});
