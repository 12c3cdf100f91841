import { describe, expect, it } from 'vitest';
import { LogBuffer } from './logBuffer';
import type { LogEntry } from './logLine';

const entry = (seq: number): LogEntry => ({ seq, level: 'info', category: 'smtp', msg: `m${seq}`, fields: {} });

describe('LogBuffer', () => {
  it('keeps lines in order up to its capacity, then drops the oldest', () => {
    const b = new LogBuffer(3);
    for (let i = 1; i <= 2; i++) b.push(entry(i));
    expect(b.toArray().map((e) => e.seq)).toEqual([1, 2]);
    for (let i = 3; i <= 7; i++) b.push(entry(i));
    expect(b.toArray().map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(b.size).toBe(3);
    expect(b.evicted).toBe(4);
  });

  it('stays bounded over a long run', () => {
    const b = new LogBuffer(100);
    for (let i = 0; i < 100_000; i++) b.push(entry(i));
    expect(b.size).toBe(100);
    expect(b.toArray()[0]!.seq).toBe(99_900);
  });

  it('clears', () => {
    const b = new LogBuffer(2);
    b.push(entry(1));
    b.push(entry(2));
    b.push(entry(3));
    b.clear();
    expect(b.toArray()).toEqual([]);
    expect(b.evicted).toBe(0);
    b.push(entry(4));
    expect(b.toArray().map((e) => e.seq)).toEqual([4]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new LogBuffer(0)).toThrow(RangeError);
  });
});
