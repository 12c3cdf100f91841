import { describe, expect, it } from 'vitest';
import { parseIntegers } from './mail-columns.ts';

describe('parseIntegers', () => {
  it('reads SQLite group_concat output, negatives included, and counts what it saw', () => {
    const out = new Float64Array(4);
    expect(parseIntegers('12,-3,0,1796433125530', out)).toBe(4);
    expect([...out]).toEqual([12, -3, 0, 1796433125530]);
  });

  it('reports a count that differs from the array when the list is longer or shorter', () => {
    const out = new Uint32Array(2);
    expect(parseIntegers('1,2,3', out)).toBe(3);
    expect([...out]).toEqual([1, 2]);
    expect(parseIntegers('7', new Uint32Array(2))).toBe(1);
  });

  it('refuses what is not an integer (a REAL column renders as 1.5 or 1e+20)', () => {
    expect(parseIntegers('1,1.5', new Float64Array(2))).toBe(-1);
    expect(parseIntegers('1e+20', new Float64Array(1))).toBe(-1);
  });
});
