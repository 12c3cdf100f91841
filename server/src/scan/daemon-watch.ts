// What the scanner knows about one daemon: its health for the admin API (health.ts) and its circuit
// breaker (breaker.ts), fed by every check, every explicit health check and the breaker's own probe.
// Only checks open the circuit; any answer closes it. An explicit health check that fails does not open
// it: those run with short timeouts (2 to 3 s) from the admin API and the self-test, and a busy daemon
// slow to answer one must not turn scanning off.
import { CircuitBreaker } from './breaker.ts';
import { HealthRecord, type ScannerHealth } from './health.ts';
import type { CheckError, SpamOutcome, VirusOutcome } from './outcomes.ts';

export interface DaemonWatchOptions {
  scanner: ScannerHealth['scanner'];
  address: string;
  /** The breaker's background probe (PING): resolves with a version when the daemon reports one. */
  ping: () => Promise<string | void>;
  onChange: () => void;
  now?: () => number;
}

export class DaemonWatch {
  private readonly health: HealthRecord;
  private readonly breaker: CircuitBreaker;

  constructor(private readonly o: DaemonWatchOptions) {
    this.health = new HealthRecord(o.scanner, o.address, o.now);
    this.breaker = new CircuitBreaker({ probe: () => this.probe(o.ping), onChange: o.onChange, ...(o.now ? { now: o.now } : {}) });
  }

  /** While the circuit is open: the outcome to report at once instead of asking the daemon. */
  knownDown(): CheckError | null {
    const since = this.breaker.openSince;
    if (since === null) return null;
    return { kind: 'error', message: `${this.o.scanner} at ${this.o.address}: not answering since ${new Date(since).toISOString()}; not asked until a probe gets an answer`, down: 'circuit_open' };
  }

  /** The outcome of a check that did ask the daemon. */
  checked(outcome: VirusOutcome | SpamOutcome): void {
    if (outcome.kind === 'error') {
      if (outcome.down === 'circuit_open') return;
      // A full queue is an error outcome too: the daemon is not keeping up, but it is there.
      this.health.failed(outcome.message);
      if (outcome.down) this.breaker.trip();
    } else if (outcome.kind !== 'too_large') {
      this.health.ok();
      this.breaker.succeeded();
    }
  }

  /** An explicit health check (clamd VERSION, spamd PING) from the admin API or the self-test. */
  async probed(ask: () => Promise<string>): Promise<void> {
    try {
      this.health.ok(await ask());
      this.breaker.succeeded();
    } catch (err) {
      this.health.failed((err as Error).message);
    }
  }

  snapshot(): ScannerHealth {
    const openedAt = this.breaker.openSince;
    return { ...this.health.snapshot(), circuit: openedAt === null ? 'closed' : 'open', circuitOpenedAt: openedAt };
  }

  stop(): void {
    this.breaker.stop();
  }

  private async probe(ping: () => Promise<string | void>): Promise<void> {
    try {
      const version = await ping();
      this.health.ok(version ?? undefined);
    } catch (err) {
      this.health.failed((err as Error).message);
      throw err;
    }
  }
}
