// When to try a failed batch again. Retry k waits a random time in [min·2^(k-1), min·2^k], both ends
// capped at max: the jitter spreads many Mailroom instances apart after a Loki outage, and since each
// range starts where the previous one ends, the waits never shrink. A Retry-After from Loki or a proxy
// is a floor (we never come back sooner than asked), still capped at max so one bad header cannot stall
// the queue for hours while the buffer sheds lines.
import type { LokiBackoffOptions } from './options.ts';

export function retryDelayMs(retry: number, o: LokiBackoffOptions, retryAfterMs?: number, random: () => number = Math.random): number {
  const low = Math.min(o.maxMs, o.minMs * 2 ** (retry - 1));
  const high = Math.min(o.maxMs, low * 2);
  const jittered = low + (high - low) * random();
  return Math.round(Math.min(o.maxMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Retry-After as milliseconds from now: either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Which failures are worth another try: throttling, server errors and no answer at all (status 0). */
export function isRetryable(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}
