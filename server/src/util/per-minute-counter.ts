// Events per key (a client address) in the current clock minute, for rate limits that must cost almost
// nothing per connection. A fixed window: at a minute's turn a client may get up to twice the limit in a
// short span, the price of one map lookup per event and no timers. Bounded in keys: once `maxKeys`
// addresses are counted in one minute, new ones go uncounted until the next (a flood of distinct
// addresses is the per-address limits' business, not this map's memory).
export class PerMinuteCounter {
  private minute = -1;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event for key and returns how many it has had this minute, this one included. */
  hit(key: string): number {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.counts.clear();
    }
    const seen = this.counts.get(key);
    if (seen === undefined && this.counts.size >= this.maxKeys) return 1;
    const count = (seen ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }
}
