// How a loop that keeps asking something (the database) behaves while it is away: each failure in a row
// doubles the wait, from min to max, and the caller logs only the first failure and the recovery, so an
// outage is two log lines and a trickle of attempts, not a line and a connection attempt per poll.
export class OutageBackoff {
  private failures = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
  ) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  /** Records a failure; returns how long to wait before the next attempt. */
  failed(): number {
    this.failures++;
    return Math.min(this.maxMs, this.minMs * 2 ** (this.failures - 1));
  }

  /** The wait the last failure asked for (0 when not failing). */
  get delayMs(): number {
    return this.failures === 0 ? 0 : Math.min(this.maxMs, this.minMs * 2 ** (this.failures - 1));
  }

  /** Records a success; true when it ends an outage (log the recovery then). */
  succeeded(): boolean {
    const was = this.failures > 0;
    this.failures = 0;
    return was;
  }
}
