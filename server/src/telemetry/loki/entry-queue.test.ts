// The waiting-lines queue keeps FIFO order and an exact byte total through many pushes and shifts
// (including the compactions that keep shift O(1)).
import { describe, expect, it } from 'vitest';
import { EntryQueue, type LokiEntry } from './entry-queue.ts';
import { StreamTable } from './streams.ts';

const stream = new StreamTable('m', 'h', 4).get('smtp');
const entry = (seq: number, bytes = 10): LokiEntry => ({ stream, ms: seq, ns: 0, line: `l${seq}`, metadata: undefined, bytes, seq, queuedAt: 0 });

describe('EntryQueue', () => {
  it('is first in, first out with an exact byte total', () => {
    const q = new EntryQueue();
    let pushed = 0;
    let shifted = 0;
    let bytes = 0;
    // Interleave so the head index passes the compaction threshold several times.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 300; i++) {
        const e = entry(++pushed, (pushed % 7) + 1);
        q.push(e);
        bytes += e.bytes;
      }
      for (let i = 0; i < 250; i++) {
        const e = q.shift()!;
        expect(e.seq).toBe(++shifted);
        bytes -= e.bytes;
      }
      expect(q.bytes).toBe(bytes);
      expect(q.length).toBe(pushed - shifted);
      expect(q.peek()?.seq).toBe(shifted + 1);
    }
    while (q.shift()) shifted++;
    expect(shifted).toBe(pushed);
    expect(q.bytes).toBe(0);
    expect(q.peek()).toBeUndefined();
    expect(q.shift()).toBeUndefined();
  });
});
