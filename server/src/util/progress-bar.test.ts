import { describe, expect, it } from 'vitest';
import { progressBar } from './progress-bar.ts';

describe('progressBar', () => {
  it('into a pipe: one line per tenth of the way, then 100% at the end', () => {
    const lines: string[] = [];
    const bar = progressBar({ write: (t) => lines.push(t) }, 'copy', 1000);
    for (let done = 0; done <= 1000; done += 10) bar.update(done, `rows ${done}`);
    bar.finish('done');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(`copy [${'-'.repeat(30)}]   0% rows 0\n`);
    expect(lines[5]).toBe(`copy [${'#'.repeat(15)}${'-'.repeat(15)}]  50% rows 500\n`);
    expect(lines[10]).toBe(`copy [${'#'.repeat(30)}] 100% done\n`);
  });

  it('on a terminal: redraws one line in place and ends it', () => {
    const writes: string[] = [];
    const bar = progressBar({ write: (t) => writes.push(t), isTTY: true }, 'copy', 4);
    bar.update(2, 'half');
    bar.finish('all');
    expect(writes[0]).toMatch(/^\rcopy \[#{15}-{15}\] {2}50% half\x1b\[K$/);
    expect(writes.at(-1)).toMatch(/^\rcopy \[#{30}\] 100% all\x1b\[K\n$/);
  });

  it('an empty job is complete at once', () => {
    const lines: string[] = [];
    progressBar({ write: (t) => lines.push(t) }, 'copy', 0).finish('nothing to copy');
    expect(lines).toEqual([`copy [${'#'.repeat(30)}] 100% nothing to copy\n`]);
  });
});
