import { describe, expect, it } from 'vitest';
import { formatSet, highest, matcher, parseSequenceSet } from './sequence-set.ts';

describe('sequence sets', () => {
  it('parses numbers, ranges in either order and "*"', () => {
    expect(parseSequenceSet('1,3:5,*,9:7')).toEqual([
      [1, 1],
      [3, 5],
      ['*', '*'],
      [9, 7],
    ]);
    for (const bad of ['', '0', '1:', ',', '1::2', 'a', '-1', '4294967296', '1,,2']) expect(() => parseSequenceSet(bad)).toThrow();
  });

  it('matches with "*" as the largest number in use, ranges covering both ends', () => {
    const has = matcher(parseSequenceSet('2,5:*'), 7);
    expect([1, 2, 3, 4, 5, 6, 7, 8].filter(has)).toEqual([2, 5, 6, 7]);
    // RFC 3501: with UIDs up to 3, "5:*" is "3:5" and so includes 3.
    expect([1, 2, 3].filter(matcher(parseSequenceSet('5:*'), 3))).toEqual([3]);
    expect(highest(parseSequenceSet('2,9:*'), 4)).toBe(9);
  });

  it('formats ascending numbers compactly for COPYUID', () => {
    expect(formatSet([1, 2, 3, 5, 7, 8])).toBe('1:3,5,7:8');
    expect(formatSet([4])).toBe('4');
  });
});
