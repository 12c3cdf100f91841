// How long a failed login waits before its answer, per client address: auth.failure_delay_ms for the
// first failure, doubling with each further failure from that address within auth.ban_window_seconds,
// up to auth.failure_delay_max_ms. One connection guessing slowly and many connections guessing in
// parallel from one address both get slower; a user who mistypes once waits the base delay.

/** Addresses remembered at once; beyond it the least recently failing is forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

export interface FailureDelaySettings {
  baseMs: number;
  maxMs: number;
  windowMs: number;
}

export class FailureDelays {
  /** Failure times per address, oldest first; Map order is least recently failing first. */
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly settings: FailureDelaySettings) {}

  /** Records a failure from the address and returns the delay its answer gets. */
  next(address: string, now = Date.now()): number {
    const since = now - this.settings.windowMs;
    const times = (this.failures.get(address) ?? []).filter((t) => t > since);
    times.push(now);
    this.failures.delete(address);
    this.failures.set(address, times.slice(-32));
    if (this.failures.size > MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    const { baseMs, maxMs } = this.settings;
    return Math.min(maxMs, baseMs * 2 ** Math.min(times.length - 1, 30));
  }
}
