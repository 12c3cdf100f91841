// Messages per authenticated user per hour (submission.rate_per_hour): a stolen password must not become
// a flood of outgoing mail. A sliding hour: each user keeps the times of their messages accepted in the
// last hour, at most the limit of them, so memory is bounded by the limit times the users sending now.
// MAIL FROM asks before a transaction starts and an accepted message is recorded, so sessions of one
// user in parallel can pass the limit by at most one message each. In memory: a restart starts over.

const HOUR_MS = 3_600_000;

export class SenderRate {
  /** User (lower case) -> times of their accepted messages within the last hour, oldest first. */
  private readonly sent = new Map<string, number[]>();

  constructor(
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the user may start another message now; always true when the limit is 0 (off). */
  allows(user: string): boolean {
    if (this.perHour === 0) return true;
    return this.recent(user.toLowerCase()).length < this.perHour;
  }

  /** Seconds until the user may send again (the oldest message in the hour falls out), 0 if now. */
  retryAfterSeconds(user: string): number {
    const times = this.recent(user.toLowerCase());
    if (this.perHour === 0 || times.length < this.perHour) return 0;
    return Math.ceil((times[0]! + HOUR_MS - this.now()) / 1000);
  }

  /** A message from the user was accepted. */
  record(user: string): void {
    if (this.perHour === 0) return;
    const key = user.toLowerCase();
    const times = this.recent(key);
    times.push(this.now());
    // Parallel sessions may overshoot; keep only what the limit needs.
    if (times.length > this.perHour) times.splice(0, times.length - this.perHour);
    this.sent.set(key, times);
  }

  /** The user's times within the last hour (older ones dropped; a user with none is forgotten). */
  private recent(key: string): number[] {
    const times = this.sent.get(key);
    if (!times) return [];
    const since = this.now() - HOUR_MS;
    let drop = 0;
    while (drop < times.length && times[drop]! <= since) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) this.sent.delete(key);
    return times;
  }
}
