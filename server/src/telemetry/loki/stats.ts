// What the Loki client reports about itself. The metric catalogue (telemetry/metrics.ts) owns prom-client;
// it passes an object implementing LokiClientStats, so this folder never imports prom-client. Suggested
// metrics, one per callback:
//   mailroom_loki_sent_entries_total                       counter  sentEntries
//   mailroom_loki_dropped_entries_total{reason}            counter  droppedEntries (reason: LOKI_DROP_REASONS)
//   mailroom_loki_batch_retries_total                      counter  batchRetry
//   mailroom_loki_request_duration_seconds{status_code}    histogram requestDuration (an HTTP status, or "network")

/** Every reason a line can be lost; a bounded set, so it can be a metric label. */
export const LOKI_DROP_REASONS = [
  'buffer_full', // the buffer reached bufferMaxBytes and this was the oldest waiting line
  'line_too_long', // longer than maxLineBytes (Loki would refuse it)
  'rejected', // Loki answered 4xx other than 429: retrying cannot help
  'retries_exhausted', // 429, 5xx or network errors for every attempt
  'shutdown', // still buffered when close() gave up, or pushed after it
  'invalid', // not a string line, or a batch that could not be encoded
] as const;
export type LokiDropReason = (typeof LOKI_DROP_REASONS)[number];

export interface LokiRetryInfo {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  statusCode: string;
}

/** Callbacks the client calls as things happen; each one is cheap and synchronous. */
export interface LokiClientStats {
  sentEntries(count: number): void;
  droppedEntries(reason: LokiDropReason, count: number): void;
  batchRetry(info: LokiRetryInfo): void;
  /** statusCode is the HTTP status as a string, or "network" when no response came. */
  requestDuration(statusCode: string, seconds: number): void;
}

/** Totals kept by the client itself, for tests, the admin API and a status page. */
export interface LokiClientSnapshot {
  sentEntries: number;
  droppedEntries: Record<LokiDropReason, number>;
  batchRetries: number;
  requests: Record<string, number>;
  bufferedEntries: number;
  bufferedBytes: number;
  peakBufferedBytes: number;
  encodedBatches: number;
  lastError: string | undefined;
}

/** Keeps the totals and forwards to the caller's stats; a throwing callback is ignored so it cannot break logging. */
export class LokiCounters implements LokiClientStats {
  sent = 0;
  retries = 0;
  encodedBatches = 0;
  lastError: string | undefined;
  readonly dropped = Object.fromEntries(LOKI_DROP_REASONS.map((r) => [r, 0])) as Record<LokiDropReason, number>;
  readonly requests: Record<string, number> = {};

  constructor(private readonly forward: LokiClientStats | undefined) {}

  sentEntries(count: number): void {
    this.sent += count;
    this.call(() => this.forward?.sentEntries(count));
  }

  droppedEntries(reason: LokiDropReason, count: number): void {
    this.dropped[reason] += count;
    this.call(() => this.forward?.droppedEntries(reason, count));
  }

  batchRetry(info: LokiRetryInfo): void {
    this.retries++;
    this.call(() => this.forward?.batchRetry(info));
  }

  requestDuration(statusCode: string, seconds: number): void {
    this.requests[statusCode] = (this.requests[statusCode] ?? 0) + 1;
    this.call(() => this.forward?.requestDuration(statusCode, seconds));
  }

  private call(f: () => void): void {
    try {
      f();
    } catch {
      // A metrics bug must not cost mail or logs; the client's own totals above stay right.
    }
  }
}
