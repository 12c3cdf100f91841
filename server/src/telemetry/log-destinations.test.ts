import { afterEach, describe, expect, it, vi } from 'vitest';
import { fanOut, LineBatcher } from './log-destinations.ts';

afterEach(() => void vi.useRealTimers());

describe('LineBatcher', () => {
  it('hands lines on together after the delay, in order', () => {
    vi.useFakeTimers();
    const chunks: string[] = [];
    const batch = new LineBatcher({ write: (c) => chunks.push(c) }, { maxDelayMs: 50, maxChars: 1000 });
    batch.write('a\n');
    batch.write('b\n');
    expect(chunks).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(chunks).toEqual(['a\nb\n']);
    batch.write('c\n');
    vi.advanceTimersByTime(50);
    expect(chunks).toEqual(['a\nb\n', 'c\n']);
  });

  it('goes at once when the size limit is reached or the line is urgent', () => {
    vi.useFakeTimers();
    const chunks: string[] = [];
    let urgent = false;
    const batch = new LineBatcher({ write: (c) => chunks.push(c) }, { maxDelayMs: 50, maxChars: 6 }, () => urgent);
    batch.write('123\n');
    batch.write('456\n'); // 8 characters now
    expect(chunks).toEqual(['123\n456\n']);
    batch.write('info\n');
    urgent = true;
    batch.write('warn\n');
    expect(chunks).toEqual(['123\n456\n', 'info\nwarn\n']);
    vi.advanceTimersByTime(100);
    expect(chunks).toHaveLength(2); // nothing left behind, no empty write
  });
});

describe('fanOut', () => {
  it('writes every line to every sink', () => {
    const a: string[] = [];
    const b: string[] = [];
    const stream = fanOut([{ write: (l) => a.push(l) }, { write: (l) => b.push(l) }]);
    stream.write('x\n');
    expect([a, b]).toEqual([['x\n'], ['x\n']]);
  });
});
