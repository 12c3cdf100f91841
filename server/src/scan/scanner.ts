// The one entry point for content scanning (SMTP DATA phase, API injection): virus check first, then the
// spam check unless a virus was found (no point scoring mail that will not be delivered). Never throws;
// `decide()` in policy.ts turns the verdict into an action.
import { performance } from 'node:perf_hooks';
import { ClamdClient } from './clamd.ts';
import { HealthRecord, type ScannerHealth } from './health.ts';
import type { SpamOutcome, Verdict, VirusOutcome } from './outcomes.ts';
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
  private readonly clamdHealth: HealthRecord | null;
  private readonly spamdHealth: HealthRecord | null;

  constructor(o: ScannerOptions) {
    const common = { connectTimeoutMs: o.connectTimeoutMs, timeoutMs: o.timeoutMs, maxConcurrent: o.maxConcurrent, maxQueued: o.maxQueued };
    this.clamd = o.clamd ? new ClamdClient({ url: o.clamd, maxStreamBytes: o.clamdMaxStreamBytes, ...common }) : null;
    this.spamd = o.spamd ? new SpamdClient({ address: o.spamd, maxMessageBytes: o.spamdMaxMessageBytes, user: o.spamdUser, ...common }) : null;
    this.clamdHealth = this.clamd ? new HealthRecord('clamd', this.clamd.address, o.now) : null;
    this.spamdHealth = this.spamd ? new HealthRecord('spamd', this.spamd.address, o.now) : null;
  }

  /** False when neither daemon is configured: callers can skip scanning (and its buffering) entirely. */
  get enabled(): boolean {
    return this.clamd !== null || this.spamd !== null;
  }

  /** The daemons configured, for callers that count or report per scanner. */
  get scanners(): Array<'clamd' | 'spamd'> {
    return [...(this.clamd ? (['clamd'] as const) : []), ...(this.spamd ? (['spamd'] as const) : [])];
  }

  /**
   * `checks.spam: false` asks for the virus check only (mail from authenticated users, by default): the spam
   * outcome is then `skipped`, like after a virus.
   */
  async scan(content: Buffer, checks: { spam?: boolean } = {}): Promise<Verdict> {
    const verdict: Verdict = { virus: { kind: 'not_configured' }, spam: { kind: 'not_configured' }, virusMs: null, spamMs: null };
    if (this.clamd) {
      const started = performance.now();
      verdict.virus = await this.clamd.scan(content);
      verdict.virusMs = performance.now() - started;
      this.record(this.clamdHealth!, verdict.virus);
    }
    if (verdict.virus.kind === 'virus' || checks.spam === false) {
      if (this.spamd) verdict.spam = { kind: 'skipped' };
    } else if (this.spamd) {
      const started = performance.now();
      verdict.spam = await this.spamd.check(content);
      verdict.spamMs = performance.now() - started;
      this.record(this.spamdHealth!, verdict.spam);
    }
    return verdict;
  }

  /** Health as last seen (by scans or checks), without contacting the daemons. */
  health(): ScannerHealth[] {
    return [this.clamdHealth, this.spamdHealth].filter((h) => h !== null).map((h) => h.snapshot());
  }

  /** Asks each daemon now (clamd VERSION, spamd PING); never throws. */
  async checkHealth(timeoutMs?: number): Promise<ScannerHealth[]> {
    await Promise.all([
      this.clamd && this.probe(this.clamdHealth!, () => this.clamd!.version(timeoutMs)),
      this.spamd && this.probe(this.spamdHealth!, () => this.spamd!.ping(timeoutMs)),
    ]);
    return this.health();
  }

  private async probe(record: HealthRecord, ask: () => Promise<string>): Promise<void> {
    try {
      record.ok(await ask());
    } catch (err) {
      record.failed((err as Error).message);
    }
  }

  private record(record: HealthRecord, outcome: VirusOutcome | SpamOutcome): void {
    // A full queue or a timeout is an error outcome too; both mean the daemon is not keeping up.
    if (outcome.kind === 'error') record.failed(outcome.message);
    else if (outcome.kind !== 'too_large') record.ok();
  }
}
