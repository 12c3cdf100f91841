// Per-daemon health for the admin API (`GET /api/v1/server`): updated by explicit checks (PING/VERSION),
// by every scan and by the circuit breaker's probe, so a daemon that went away shows up without waiting
// for the next check. daemon-watch.ts adds the breaker's state.

export interface ScannerHealth {
  scanner: 'clamd' | 'spamd';
  address: string;
  /** null until the first check or scan. */
  reachable: boolean | null;
  /** clamd: engine and database version; spamd: protocol version (spamd does not report its own). */
  version: string | null;
  /** Kept after recovery so an operator can see what went wrong and when. */
  lastError: string | null;
  lastErrorAt: number | null;
  lastCheckedAt: number | null;
  /** `open`: known down, checks report it unavailable at once without asking (breaker.ts). */
  circuit: 'closed' | 'open';
  circuitOpenedAt: number | null;
}

type Observed = Omit<ScannerHealth, 'circuit' | 'circuitOpenedAt'>;

export class HealthRecord {
  private state: Observed;

  constructor(
    scanner: ScannerHealth['scanner'],
    address: string,
    private readonly now: () => number = Date.now,
  ) {
    this.state = { scanner, address, reachable: null, version: null, lastError: null, lastErrorAt: null, lastCheckedAt: null };
  }

  ok(version?: string): void {
    this.state = { ...this.state, reachable: true, lastCheckedAt: this.now(), ...(version === undefined ? {} : { version }) };
  }

  failed(message: string): void {
    const at = this.now();
    this.state = { ...this.state, reachable: false, lastError: message, lastErrorAt: at, lastCheckedAt: at };
  }

  snapshot(): Observed {
    return { ...this.state };
  }
}
