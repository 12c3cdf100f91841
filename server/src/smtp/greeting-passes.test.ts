// The remembered greeting passes: the TTL, 0 remembering nothing, and the cap forgetting the least recently seen.
import { describe, expect, it } from 'vitest';
import { GreetingPasses } from './greeting-passes.ts';

describe('GreetingPasses', () => {
  it('remembers a pass for the TTL and then forgets it', () => {
    let now = 1_000_000;
    const passes = new GreetingPasses(86_400_000, 10, () => now);
    expect(passes.passedRecently('192.0.2.1')).toBe(false);
    passes.remember('192.0.2.1');
    now += 86_399_000;
    expect(passes.passedRecently('192.0.2.1')).toBe(true);
    now += 2_000;
    expect(passes.passedRecently('192.0.2.1')).toBe(false);
    expect(passes.size).toBe(0);
  });

  it('remembers nothing with a TTL of 0', () => {
    const passes = new GreetingPasses(0);
    passes.remember('192.0.2.1');
    expect(passes.enabled).toBe(false);
    expect(passes.passedRecently('192.0.2.1')).toBe(false);
  });

  it('holds at most the cap, forgetting the least recently seen first', () => {
    const passes = new GreetingPasses(60_000, 3);
    for (const a of ['a', 'b', 'c']) passes.remember(a);
    // 'a' is seen again, so 'b' is now the least recently seen.
    expect(passes.passedRecently('a')).toBe(true);
    passes.remember('d');
    expect(passes.size).toBe(3);
    expect(passes.passedRecently('b')).toBe(false);
    expect(['a', 'c', 'd'].map((x) => passes.passedRecently(x))).toEqual([true, true, true]);
    for (let i = 0; i < 1000; i++) passes.remember(`x${i}`);
    expect(passes.size).toBe(3);
  });
});
