// Runs every check and keeps the current list of warnings. It runs at start, when something changes
// (config, accounts, domains through the API), every few minutes (the CLI may change the directory
// from another process) and on demand (POST /api/v1/warnings/recheck).
import type { Config } from '../config/settings.ts';
import { dataPath } from '../config/load.ts';
import type { Store } from '../store/store.ts';
import { logger } from '../telemetry/log.ts';
import { exposureWarnings, hostnameWarnings, trustedNetworkWarnings } from './checks-network.ts';
import { adminTokenWarnings, certificateWarnings, type CertificateFacts } from './checks-security.ts';
import { debugLoggingWarnings, directoryWarnings, diskWarnings, queueAgeWarnings } from './checks-state.ts';
import { SEVERITIES, type Warning } from './warning.ts';

export interface SelfTestOptions {
  intervalMs: number;
  minFreeDiskBytes: number;
  maxQueueAgeSeconds: number;
  /** Tokens made with `mailroom token create` (they count as configured admin tokens). */
  issuedTokenCount?: () => number;
}

/** Extra checks that other parts (scanners, Loki, bans) register as they come. */
export type ExtraCheck = () => Warning[] | Promise<Warning[]>;

export class SelfTest {
  private current: Warning[] = [];
  private checkedAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<Warning[]> | null = null;
  private again = false;
  private readonly extra: ExtraCheck[] = [];
  private readonly log = logger('application');

  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly certificate: () => CertificateFacts | null,
    private readonly options: SelfTestOptions,
  ) {}

  addCheck(check: ExtraCheck): void {
    this.extra.push(check);
  }

  get warnings(): readonly Warning[] {
    return this.current;
  }

  get lastCheckedAt(): number | null {
    return this.checkedAt;
  }

  start(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Runs the checks again after something changed (a scanner went away or came back): a run already in
   * progress may have looked before the change, so one more follows it.
   */
  runSoon(): void {
    if (this.running) this.again = true;
    else void this.run();
  }

  /** Runs the checks now; concurrent callers share one run. */
  run(): Promise<Warning[]> {
    if (!this.running) {
      this.running = this.runChecks().finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.run();
        }
      });
    }
    return this.running;
  }

  private async runChecks(): Promise<Warning[]> {
    const now = Date.now();
    const { config, store } = this;
    const cert = this.certificate();
    const groups: Array<() => Warning[] | Promise<Warning[]>> = [
      () => hostnameWarnings(config),
      () => trustedNetworkWarnings(config),
      () => exposureWarnings(config),
      () => adminTokenWarnings(config, this.options.issuedTokenCount?.() ?? 0),
      () => (cert ? certificateWarnings(cert, now) : []),
      () => directoryWarnings(store),
      () => queueAgeWarnings(store, now, this.options.maxQueueAgeSeconds),
      () => diskWarnings(dataPath(config), this.options.minFreeDiskBytes),
      () => debugLoggingWarnings(config['log.level']),
      ...this.extra,
    ];
    const results: Warning[] = [];
    for (const group of groups) {
      try {
        results.push(...(await group()));
      } catch (err) {
        // A failing check must not hide the others; it becomes a warning of its own.
        results.push({ id: 'self_test_check_failed', severity: 'low', message: `A self-test check failed: ${(err as Error).message}`, remedy: 'See the server log.' });
      }
    }
    results.sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.id.localeCompare(b.id));
    const before = new Set(this.current.map((w) => w.id));
    const after = new Set(results.map((w) => w.id));
    for (const w of results) if (!before.has(w.id)) this.log.warn({ warning: w.id, severity: w.severity }, `configuration warning: ${w.message}`);
    for (const id of before) if (!after.has(id)) this.log.info({ warning: id }, 'configuration warning resolved');
    this.current = results;
    this.checkedAt = now;
    return results;
  }
}
