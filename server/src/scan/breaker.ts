// A circuit breaker per scanner daemon. Without it a daemon that hangs costs every message a whole scan
// timeout, long after the first timeout told us it is down. Once a check finds the daemon down (it
// refused or never took the connection, or did not answer within the timeout) the circuit opens: checks
// report the daemon unavailable at once, without contacting it, so scan.unavailable_action applies
// immediately. A probe in the background (clamd or spamd PING) asks again after 2 s, then 4, 8, 16 and
// every 30 s; the first answer closes the circuit. There is no half-open trial with real mail: the probe
// is the trial, so no message ever waits on a daemon that is not known to answer.
//
// Only failures that mean "down" open it: a saturated queue, a malformed reply or a message the daemon
// refuses as too large are answers, and cost no waiting anyway.

export const FIRST_PROBE_DELAY_MS = 2_000;
export const MAX_PROBE_DELAY_MS = 30_000;

export interface BreakerOptions {
  /** Resolves when the daemon answers, rejects otherwise; must settle within its own timeout. */
  probe: () => Promise<void>;
  /** Called on every change between open and closed. */
  onChange?: (open: boolean) => void;
  firstProbeDelayMs?: number;
  maxProbeDelayMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private openedAt: number | null = null;
  private delayMs: number;
  private timer: NodeJS.Timeout | null = null;
  private probing = false;
  private closedForGood = false;

  constructor(private readonly o: BreakerOptions) {
    this.delayMs = o.firstProbeDelayMs ?? FIRST_PROBE_DELAY_MS;
  }

  get isOpen(): boolean {
    return this.openedAt !== null;
  }

  /** When the circuit opened (ms since the epoch), or null while closed. */
  get openSince(): number | null {
    return this.openedAt;
  }

  /** A check found the daemon down. Opening again while open changes nothing (the probe keeps its pace). */
  trip(): void {
    if (this.openedAt !== null || this.closedForGood) return;
    this.openedAt = (this.o.now ?? Date.now)();
    this.delayMs = this.o.firstProbeDelayMs ?? FIRST_PROBE_DELAY_MS;
    this.schedule();
    this.o.onChange?.(true);
  }

  /** The daemon answered (a check or any health probe): close at once and stop probing. */
  succeeded(): void {
    this.cancelProbe();
    if (this.openedAt === null) return;
    this.openedAt = null;
    this.o.onChange?.(false);
  }

  /** Stops probing for good (service shutdown); the state stays as it is. */
  stop(): void {
    this.closedForGood = true;
    this.cancelProbe();
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.runProbe(), this.delayMs);
    // A pending probe must not keep the process alive.
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    this.timer = null;
    if (this.probing || this.openedAt === null) return;
    this.probing = true;
    let answered = false;
    try {
      await this.o.probe();
      answered = true;
    } catch {
      // Still down; the next probe waits twice as long, up to the cap.
    } finally {
      this.probing = false;
    }
    if (answered) return this.succeeded();
    // Closed meanwhile, stopped, or closed and opened again (which scheduled its own probe).
    if (this.openedAt === null || this.closedForGood || this.timer !== null) return;
    this.delayMs = Math.min(this.delayMs * 2, this.o.maxProbeDelayMs ?? MAX_PROBE_DELAY_MS);
    this.schedule();
  }

  private cancelProbe(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
