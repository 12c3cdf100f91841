// The lines waiting to be sent, oldest first, with their byte total. push and shift are amortised O(1):
// a head index instead of Array.shift(), and the array is compacted only once the consumed part dominates.
import type { LokiStream } from './streams.ts';

export interface LokiEntry {
  readonly stream: LokiStream;
  readonly ms: number;
  readonly ns: number;
  readonly line: string;
  /** Structured metadata pairs, only when the client sends structured metadata. */
  readonly metadata: ReadonlyArray<readonly [string, string]> | undefined;
  /** What this entry counts against the buffer bound (text bytes plus a fixed overhead). */
  readonly bytes: number;
  /** Push order over the whole client, for flush(). */
  readonly seq: number;
  /** Date.now() when pushed, for the batch wait. */
  readonly queuedAt: number;
}

export class EntryQueue {
  private items: (LokiEntry | undefined)[] = [];
  private head = 0;
  bytes = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(entry: LokiEntry): void {
    this.items.push(entry);
    this.bytes += entry.bytes;
  }

  peek(): LokiEntry | undefined {
    return this.items[this.head];
  }

  shift(): LokiEntry | undefined {
    if (this.head >= this.items.length) return undefined;
    const entry = this.items[this.head]!;
    this.items[this.head++] = undefined; // let the line be collected now, not at the next compaction
    this.bytes -= entry.bytes;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}
