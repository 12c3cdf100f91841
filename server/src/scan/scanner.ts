// The one entry point for content scanning (SMTP DATA phase, API injection): the virus check and the spam
// check run side by side, each within scan.timeout_seconds, so a message waits at most one timeout even
// when both daemons hang (one after the other it was two). A virus found drops the spam check (no point
// scoring mail that will not be delivered). A daemon known to be down is not asked at all until its
// circuit breaker's probe gets an answer (daemon-watch.ts, breaker.ts). Never throws; `decide()` in
// policy.ts turns the verdict into an action.
import { performance } from 'node:perf_hooks';
import { ClamdClient } from './clamd.ts';
import { DaemonWatch } from './daemon-watch.ts';
import type { ScannerHealth } from './health.ts';
import type { CheckError, SpamOutcome, Verdict, VirusOutcome } from './outcomes.ts';
import { SpamdClient } from './spamd.ts';

export interface ScannerOptions {
  /** clamd `tcp://host:port`, `unix:/path` or a socket path; unset: no virus check. */
  clamd?: string | undefined;
  /** spamd `host:port`; unset: no spam check. */
  spamd?: string | undefined;
  connectTimeoutMs?: number | undefined;
  /** Per check, waiting for a free connection included. */
  timeoutMs?: number | undefined;
  /** Must not exceed clamd.conf StreamMaxLength. */
  clamdMaxStreamBytes?: number | undefined;
  spamdMaxMessageBytes?: number | undefined;
  spamdUser?: string | undefined;
  /** Connections at once per daemon; further scans queue up to maxQueued, then fail. */
  maxConcurrent?: number | undefined;
  maxQueued?: number | undefined;
  now?: () => number;
}

export class Scanner {
  private readonly clamd: ClamdClient | null;
  private readonly spamd: SpamdClient | null;
  private readonly clamdWatch: DaemonWatch | null;
  private readonly spamdWatch: DaemonWatch | null;
  private readonly listeners = new Set<() => void>();

  constructor(o: ScannerOptions) {
    const common = { connectTimeoutMs: o.connectTimeoutMs, timeoutMs: o.timeoutMs, maxConcurrent: o.maxConcurrent, maxQueued: o.maxQueued };
    const clamd = o.clamd ? new ClamdClient({ url: o.clamd, maxStreamBytes: o.clamdMaxStreamBytes, ...common }) : null;
    const spamd = o.spamd ? new SpamdClient({ address: o.spamd, maxMessageBytes: o.spamdMaxMessageBytes, user: o.spamdUser, ...common }) : null;
    const onChange = () => this.listeners.forEach((listener) => listener());
    const now = o.now ? { now: o.now } : {};
    this.clamd = clamd;
    this.spamd = spamd;
    this.clamdWatch = clamd && new DaemonWatch({ scanner: 'clamd', address: clamd.address, ping: () => clamd.ping(), onChange, ...now });
    this.spamdWatch = spamd && new DaemonWatch({ scanner: 'spamd', address: spamd.address, ping: () => spamd.ping(), onChange, ...now });
  }

  /** False when neither daemon is configured: callers can skip scanning (and its buffering) entirely. */
  get enabled(): boolean {
    return this.clamd !== null || this.spamd !== null;
  }

  /** The daemons configured, for callers that count or report per scanner. */
  get scanners(): Array<'clamd' | 'spamd'> {
    return [...(this.clamd ? (['clamd'] as const) : []), ...(this.spamd ? (['spamd'] as const) : [])];
  }

  /** Called when a daemon's circuit opens or closes (the self-test reruns, so warnings follow at once). */
  onAvailabilityChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `checks.spam: false` asks for the virus check only (mail from authenticated users, by default): the spam
   * outcome is then `skipped`, like after a virus.
   */
  async scan(content: Buffer, checks: { spam?: boolean } = {}): Promise<Verdict> {
    const verdict: Verdict = { virus: { kind: 'not_configured' }, spam: { kind: 'not_configured' }, virusMs: null, spamMs: null };
    const dropSpam = new AbortController();
    const { clamd, spamd, clamdWatch, spamdWatch } = this;
    const virus = clamd && clamdWatch && timed(clamdWatch, () => clamd.scan(content));
    const spam = spamd && spamdWatch && checks.spam !== false ? timed(spamdWatch, () => spamd.check(content, dropSpam.signal)) : null;
    if (virus) {
      [verdict.virus, verdict.virusMs] = await virus;
      clamdWatch!.checked(verdict.virus);
      if (verdict.virus.kind === 'virus') dropSpam.abort();
    }
    if (spamd) verdict.spam = { kind: 'skipped' };
    if (spam) {
      const [outcome, ms] = await spam;
      // A check dropped for a virus tells nothing about spamd.
      if (!dropSpam.signal.aborted) {
        [verdict.spam, verdict.spamMs] = [outcome, ms];
        spamdWatch!.checked(outcome);
      }
    }
    return verdict;
  }

  /** Health as last seen (by scans, checks and probes), without contacting the daemons. */
  health(): ScannerHealth[] {
    return [this.clamdWatch, this.spamdWatch].filter((w) => w !== null).map((w) => w.snapshot());
  }

  /** Asks each daemon now (clamd VERSION, spamd PING); an answer closes its circuit. Never throws. */
  async checkHealth(timeoutMs?: number): Promise<ScannerHealth[]> {
    await Promise.all([this.clamdWatch?.probed(() => this.clamd!.version(timeoutMs)), this.spamdWatch?.probed(() => this.spamd!.ping(timeoutMs))]);
    return this.health();
  }

  /** Stops the breakers' background probes (service shutdown). */
  close(): void {
    this.clamdWatch?.stop();
    this.spamdWatch?.stop();
  }
}

/** Runs one check, or reports it unavailable at once while the daemon is known down; with its duration. */
async function timed<T extends VirusOutcome | SpamOutcome>(watch: DaemonWatch, check: () => Promise<T>): Promise<[T | CheckError, number]> {
  const started = performance.now();
  const outcome = watch.knownDown() ?? (await check());
  return [outcome, performance.now() - started];
}
