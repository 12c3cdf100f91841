import { describe, expect, it } from 'vitest';
import { randomBytesPooled } from './random-pool.ts';
import { newQueueId } from './ids.ts';

describe('randomBytesPooled', () => {
  it('hands out copies of the requested size that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytesPooled(8);
      expect(bytes.length).toBe(8);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(3000); // 3000 x 8 bytes crosses the 4 KiB pool five times
  });

  it('returns copies: changing one does not change the next', () => {
    const a = randomBytesPooled(16);
    const copy = Buffer.from(a);
    a.fill(0);
    expect(randomBytesPooled(16).equals(Buffer.alloc(16))).toBe(false);
    expect(copy.equals(Buffer.alloc(16))).toBe(false);
  });

  it('serves sizes larger than the pool directly', () => {
    expect(randomBytesPooled(10_000).length).toBe(10_000);
  });
});

describe('newQueueId', () => {
  it('is 17 Crockford base32 characters that sort by creation time', () => {
    const a = newQueueId(1_700_000_000_000);
    const b = newQueueId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{17}$/);
    expect(a < b).toBe(true);
    expect(newQueueId()).not.toBe(newQueueId());
  });
});
