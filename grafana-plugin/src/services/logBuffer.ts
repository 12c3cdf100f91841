// The browser keeps at most `capacity` log lines: a ring that overwrites the oldest, so a busy server can
// stream for hours without the tab growing. `evicted` counts what fell out.
import type { LogEntry } from './logLine';

export const DEFAULT_LOG_CAPACITY = 2000;

export class LogBuffer {
  private ring: Array<LogEntry | undefined>;
  private start = 0;
  private length = 0;
  private evictedCount = 0;

  constructor(readonly capacity: number = DEFAULT_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Array(capacity);
  }

  push(entry: LogEntry): void {
    if (this.length < this.capacity) {
      this.ring[(this.start + this.length) % this.capacity] = entry;
      this.length++;
    } else {
      this.ring[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
      this.evictedCount++;
    }
  }

  get size(): number {
    return this.length;
  }

  /** Lines dropped in the browser because the buffer was full. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Oldest first. */
  toArray(): LogEntry[] {
    const out: LogEntry[] = new Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.ring[(this.start + i) % this.capacity]!;
    return out;
  }

  clear(): void {
    this.ring = new Array(this.capacity);
    this.start = 0;
    this.length = 0;
    this.evictedCount = 0;
  }
}
