// Client addresses that passed the MX greeting check (waited for the greeting without talking), kept
// for smtp.greeting_pass_ttl_seconds so their next connections are greeted at once, as Postfix's
// postscreen remembers a pass for a day. A legitimate server that connects often is then slowed once,
// not on every connection. Bounded: at most MAX_REMEMBERED addresses, the least recently seen
// forgotten first (a Map keeps insertion order; a pass or a skip moves the address to the end).
// In memory only: a restart forgets every pass, which costs each sender one delay again.

/** About 100 bytes each: 10 MB at most, more than the distinct senders of a busy MX in a day. */
export const MAX_REMEMBERED = 100_000;

export class GreetingPasses {
  /** Address -> when its pass expires (ms since the epoch). */
  private readonly passes = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxRemembered = MAX_REMEMBERED,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get size(): number {
    return this.passes.size;
  }

  /** Whether the address passed within the TTL; a hit counts as recently seen (the LRU order), not as a new pass. */
  passedRecently(address: string): boolean {
    const expires = this.passes.get(address);
    if (expires === undefined) return false;
    this.passes.delete(address);
    if (expires <= this.now()) return false;
    this.passes.set(address, expires);
    return true;
  }

  /** The address waited for the greeting quietly: remember it for the TTL. */
  remember(address: string): void {
    if (!this.enabled) return;
    this.passes.delete(address);
    this.passes.set(address, this.now() + this.ttlMs);
    // The oldest entries come first: forget them until the cap holds.
    for (const oldest of this.passes.keys()) {
      if (this.passes.size <= this.maxRemembered) break;
      this.passes.delete(oldest);
    }
  }
}
