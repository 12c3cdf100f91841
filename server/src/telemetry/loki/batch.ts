// A batch: the oldest waiting entries up to batchMaxBytes, taken off the queue when a request can go out.
import type { EntryQueue, LokiEntry } from './entry-queue.ts';
import type { LokiStream } from './streams.ts';

export interface Batch {
  readonly entries: LokiEntry[];
  readonly bytes: number;
}

export interface StreamGroup {
  readonly stream: LokiStream;
  readonly entries: LokiEntry[];
}

/** Takes entries from the head while they fit in maxBytes; always at least one, so an entry never blocks the queue. */
export function takeBatch(queue: EntryQueue, maxBytes: number): Batch {
  const entries: LokiEntry[] = [];
  let bytes = 0;
  for (let next = queue.peek(); next && (entries.length === 0 || bytes + next.bytes <= maxBytes); next = queue.peek()) {
    queue.shift();
    entries.push(next);
    bytes += next.bytes;
  }
  return { entries, bytes };
}

/** Entries grouped per stream, each group in push order (which is timestamp order within a stream). */
export function groupByStream(entries: readonly LokiEntry[]): StreamGroup[] {
  const groups = new Map<LokiStream, LokiEntry[]>();
  for (const e of entries) {
    const list = groups.get(e.stream);
    if (list) list.push(e);
    else groups.set(e.stream, [e]);
  }
  return [...groups].map(([stream, list]) => ({ stream, entries: list }));
}
