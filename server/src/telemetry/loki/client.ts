// A Loki push client that logging can lean on without risk to mail: push() only appends to a bounded
// in-memory queue and returns; one background loop cuts batches (by size or age), encodes them and sends
// one request at a time, retrying 429/5xx/network failures with backoff. When Loki is away long enough
// for the buffer to fill, the oldest waiting lines are dropped; every lost line is counted by reason.
import { compress } from 'snappy';
import { isRetryable, retryDelayMs } from './backoff.ts';
import { groupByStream, takeBatch, type Batch } from './batch.ts';
import { encodeJsonPushRequest } from './encode-json.ts';
import { encodePushRequest } from './encode-protobuf.ts';
import { EntryQueue } from './entry-queue.ts';
import { metadataPairs, type LokiMetadata } from './metadata.ts';
import { ENTRY_OVERHEAD_BYTES, resolveLokiOptions, type LokiClientOptions, type ResolvedLokiOptions } from './options.ts';
import { LokiCounters, type LokiClientSnapshot, type LokiDropReason } from './stats.ts';
import { StreamTable, nextTimestamp } from './streams.ts';
import { LokiTransport } from './transport.ts';

export class LokiClient {
  private readonly o: ResolvedLokiOptions;
  private readonly counters: LokiCounters;
  private readonly streams: StreamTable;
  private readonly queue = new EntryQueue();
  private readonly transport: LokiTransport;
  private inFlight: Batch | null = null;
  private peakBufferedBytes = 0;
  private seq = 0;
  /** Entries up to this sequence number are due now (flush), whatever their age. */
  private flushUpTo = 0;
  private pumping = false;
  private pumpDone: Promise<void> = Promise.resolve();
  private kickScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private closing: Promise<boolean> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private waiters: { upTo: number; resolve: (drained: boolean) => void }[] = [];

  /** Throws on invalid options; nothing after construction does. */
  constructor(options: LokiClientOptions) {
    this.o = resolveLokiOptions(options);
    this.counters = new LokiCounters(this.o.stats);
    this.streams = new StreamTable(this.o.serviceName, this.o.instance, this.o.maxStreams);
    this.transport = new LokiTransport(this.o);
  }

  /**
   * Queues one line. Synchronous and O(1) in the buffer size (it measures the line, so linear in its
   * length); never throws and never waits for the network. `metadata` becomes structured metadata when
   * enabled, and is otherwise expected to be in the line already.
   */
  push(category: string, level: string, timestampMs: number, line: string, metadata?: LokiMetadata): void {
    try {
      if (this.closed) return this.lose('shutdown', 1);
      if (typeof line !== 'string') return this.lose('invalid', 1);
      const pairs = this.o.structuredMetadata ? metadataPairs(level, metadata) : undefined;
      let textBytes = Buffer.byteLength(line);
      for (const [name, value] of pairs ?? []) textBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (textBytes > this.o.maxLineBytes) return this.lose('line_too_long', 1);
      const bytes = textBytes + ENTRY_OVERHEAD_BYTES;
      // Make room by shedding the oldest waiting lines. Each line is dropped at most once, so this is
      // amortised O(1); options guarantee the queue alone can always free enough.
      let shed = 0;
      while (this.bufferedBytes + bytes > this.o.bufferMaxBytes && this.queue.shift()) shed++;
      if (shed) this.lose('buffer_full', shed);
      if (this.bufferedBytes + bytes > this.o.bufferMaxBytes) return this.lose('buffer_full', 1);
      const stream = this.streams.get(String(category));
      const [ms, ns] = nextTimestamp(stream, timestampMs);
      this.queue.push({ stream, ms, ns, line, metadata: pairs, bytes, seq: ++this.seq, queuedAt: Date.now() });
      this.peakBufferedBytes = Math.max(this.peakBufferedBytes, this.bufferedBytes);
      if (this.pumping) return; // the send loop looks at the queue again after its request
      if (this.queue.bytes >= this.o.batchMaxBytes) this.kick();
      else if (!this.timer) this.armTimer(this.o.batchWaitMs);
    } catch {
      this.lose('invalid', 1);
    }
  }

  /**
   * Sends everything pushed before this call without waiting for the batch timer. Resolves true once all
   * of it is sent (or dropped), false if `deadlineMs` (milliseconds from now) passes first; it drops nothing itself.
   */
  flush(deadlineMs: number): Promise<boolean> {
    const upTo = this.seq;
    if (this.oldestOutstanding() > upTo) return Promise.resolve(true);
    this.flushUpTo = Math.max(this.flushUpTo, upTo);
    return new Promise((resolve) => {
      // A referenced timer: it keeps the process alive for the flush even though the client's own timers do not.
      const deadline = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, deadlineMs);
      const waiter = {
        upTo,
        resolve: (drained: boolean) => {
          clearTimeout(deadline);
          resolve(drained);
        },
      };
      this.waiters.push(waiter);
      this.kick();
    });
  }

  /** For shutdown: refuses new lines, flushes until the deadline, then gives up and counts what is left as `shutdown`. */
  close(deadlineMs: number): Promise<boolean> {
    this.closing ??= this.shutDown(deadlineMs);
    return this.closing;
  }

  private async shutDown(deadlineMs: number): Promise<boolean> {
    this.closed = true;
    const drained = await this.flush(deadlineMs);
    this.stopped = true;
    this.clearTimer();
    this.transport.abort();
    this.wake?.();
    await this.pumpDone;
    let left = 0;
    while (this.queue.shift()) left++;
    if (left) this.lose('shutdown', left);
    for (const w of this.waiters.splice(0)) w.resolve(false);
    this.transport.close();
    return drained;
  }

  snapshot(): LokiClientSnapshot {
    const c = this.counters;
    return {
      sentEntries: c.sent,
      droppedEntries: { ...c.dropped },
      batchRetries: c.retries,
      requests: { ...c.requests },
      bufferedEntries: this.queue.length + (this.inFlight?.entries.length ?? 0),
      bufferedBytes: this.bufferedBytes,
      peakBufferedBytes: this.peakBufferedBytes,
      encodedBatches: c.encodedBatches,
      lastError: c.lastError,
    };
  }

  /** What counts against bufferMaxBytes: the waiting lines and the batch in flight. */
  private get bufferedBytes(): number {
    return this.queue.bytes + (this.inFlight?.bytes ?? 0);
  }

  private oldestOutstanding(): number {
    return Math.min(this.inFlight?.entries[0]?.seq ?? Infinity, this.queue.peek()?.seq ?? Infinity);
  }

  /** Starts the send loop on the next turn, never inside push(): encoding a batch is not push()'s cost. */
  private kick(): void {
    if (this.pumping || this.kickScheduled || this.stopped) return;
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      this.startPump();
    }).unref();
  }

  private armTimer(ms: number): void {
    if (this.timer) return;
    // Unreferenced: pending log lines alone must not keep a finished process (a CLI command) alive.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startPump();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private startPump(): void {
    if (this.pumping || this.stopped) return;
    this.clearTimer();
    this.pumping = true;
    this.pumpDone = this.pump();
  }

  /** The only sender: one batch at a time, so requests never overlap and stream order is kept. */
  private async pump(): Promise<void> {
    try {
      for (;;) {
        const head = this.queue.peek();
        if (!head || this.stopped) return;
        const waited = Date.now() - head.queuedAt;
        if (this.queue.bytes < this.o.batchMaxBytes && head.seq > this.flushUpTo && waited < this.o.batchWaitMs) {
          this.armTimer(this.o.batchWaitMs - waited);
          return;
        }
        const batch = takeBatch(this.queue, this.o.batchMaxBytes);
        this.inFlight = batch;
        try {
          await this.deliver(batch);
        } finally {
          this.inFlight = null;
          this.settleWaiters();
        }
      }
    } finally {
      // Runs in the same turn as the decision to stop, so a push() right after sees pumping false and arms a timer.
      this.pumping = false;
    }
  }

  private async deliver(batch: Batch): Promise<void> {
    const count = batch.entries.length;
    let body: Buffer;
    try {
      const groups = groupByStream(batch.entries);
      // snappy's async compress runs on the libuv pool, off the event loop.
      body = this.o.format === 'json' ? encodeJsonPushRequest(groups) : await compress(encodePushRequest(groups));
      this.counters.encodedBatches++;
    } catch (err) {
      return this.lose('invalid', count, `could not encode ${count} log lines: ${(err as Error).message}`);
    }
    const contentType = this.o.format === 'json' ? 'application/json' : 'application/x-protobuf';
    for (let attempt = 1; ; attempt++) {
      if (this.stopped) return this.lose('shutdown', count);
      const r = await this.transport.post(body, contentType);
      const code = r.status ? String(r.status) : 'network';
      this.counters.requestDuration(code, r.seconds);
      if (r.status >= 200 && r.status < 300) return this.counters.sentEntries(count);
      this.counters.lastError = `${code}: ${r.message}`;
      if (this.stopped) return this.lose('shutdown', count);
      if (!isRetryable(r.status)) return this.lose('rejected', count, `Loki refused ${count} log lines (${code}): ${r.message}`);
      if (attempt >= this.o.backoff.maxAttempts) return this.lose('retries_exhausted', count, `gave up on ${count} log lines after ${attempt} attempts (${code}): ${r.message}`);
      const delayMs = retryDelayMs(attempt, this.o.backoff, r.retryAfterMs);
      this.counters.batchRetry({ attempt, delayMs, statusCode: code });
      await this.sleep(delayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private settleWaiters(): void {
    if (this.waiters.length === 0) return;
    const oldest = this.oldestOutstanding();
    this.waiters = this.waiters.filter((w) => {
      if (oldest <= w.upTo) return true;
      w.resolve(true);
      return false;
    });
  }

  private lose(reason: LokiDropReason, count: number, warning?: string): void {
    this.counters.droppedEntries(reason, count);
    if (this.waiters.length) this.settleWaiters();
    if (warning && this.o.onWarning) {
      try {
        this.o.onWarning(warning);
      } catch {
        // the warning sink is someone else's; a failure there must not reach push() or the send loop
      }
    }
  }
}
