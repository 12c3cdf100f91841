// The live log without Loki: every emitted line goes to each subscriber (the SSE endpoint) through a
// bounded queue. A reader that falls behind loses lines, counted, and never slows the server: the
// server only ever appends to a queue and drops from its head.
export interface LiveLine {
  category: string;
  session: string | undefined;
  json: string;
}

export interface Subscriber {
  /** Called when lines are waiting; the reader then calls take(). */
  wake(): void;
  readonly categories: ReadonlySet<string> | null;
  readonly session: string | null;
}

const MAX_QUEUED_LINES = 2000;

export class LiveLogHub {
  private readonly subscribers = new Map<Subscriber, { lines: LiveLine[]; dropped: number }>();
  private droppedTotal = 0;

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.set(subscriber, { lines: [], dropped: 0 });
    return () => this.subscribers.delete(subscriber);
  }

  publish(line: LiveLine): void {
    for (const [sub, queue] of this.subscribers) {
      if (sub.categories && !sub.categories.has(line.category)) continue;
      if (sub.session && sub.session !== line.session) continue;
      if (queue.lines.length >= MAX_QUEUED_LINES) {
        queue.lines.shift();
        queue.dropped++;
        this.droppedTotal++;
      }
      queue.lines.push(line);
      if (queue.lines.length === 1) sub.wake();
    }
  }

  /** Hands the waiting lines (and how many were dropped since the last take) to the reader. */
  take(subscriber: Subscriber): { lines: LiveLine[]; dropped: number } {
    const queue = this.subscribers.get(subscriber);
    if (!queue) return { lines: [], dropped: 0 };
    const out = { lines: queue.lines, dropped: queue.dropped };
    queue.lines = [];
    queue.dropped = 0;
    return out;
  }
}
