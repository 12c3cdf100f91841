// Scanning a message on its way in, and acting on the result: the one place where the scanner's verdict
// (scan/) meets the store, the events and the log. The SMTP DATA phase and API injection both call
// run(); it says whether to hand the message to MessageIntake (possibly tagged, possibly for Junk), to
// refuse it with a reply, or that it was accepted and dropped (deleted or quarantined) here.
import type { Config } from '../config/settings.ts';
import type { Envelope } from './accept.ts';
import { decide, type Decision, type ScanPolicy } from '../scan/policy.ts';
import { Scanner } from '../scan/scanner.ts';
import { addSpamHeaders } from '../scan/spam-headers.ts';
import type { SpamOutcome, Verdict } from '../scan/outcomes.ts';
import type { QuarantineStore } from '../store/quarantine-store.ts';
import type { EventBus, RejectionReason } from '../telemetry/events.ts';
import { logger, type Log } from '../telemetry/log.ts';

/** What is checked: everything, the virus check only, or nothing (mail from authenticated users: scan.authenticated). */
export type ScanMode = 'all' | 'virus' | 'none';

export interface ScanRequest {
  /** The queue id the message was given (also the quarantine id). */
  id: string;
  /** The message as it will be stored, our Received header included (SpamAssassin reads it). */
  content: Buffer;
  envelope: Envelope;
  mode: ScanMode;
  /** Bindings for the detection log lines, e.g. the session id. */
  logContext?: Record<string, unknown>;
}

export type ScanResult =
  /** Hand to MessageIntake: the content may carry X-Spam-* headers, local recipients may have a folder. */
  | { kind: 'accept'; content: Buffer; envelope: Envelope }
  /** Answer with this reply (SMTP) or its HTTP counterpart (API); nothing was kept. */
  | { kind: 'refuse'; code: number; message: string; reason: RejectionReason }
  /** Accepted (250) and not delivered: deleted, or kept in the quarantine. Counted as processed here. */
  | { kind: 'dropped'; how: 'deleted' | 'quarantined' };

export function scanPolicy(config: Config): ScanPolicy {
  return {
    virusAction: config['scan.virus_action'],
    spamAction: config['scan.spam_action'],
    spamTagScore: config['scan.spam_score'],
    spamRejectScore: config['scan.spam_reject_score'],
    spamSubjectPrefix: config['scan.spam_subject_prefix'] ?? '',
    unavailableAction: config['scan.unavailable_action'],
    tooLargeAction: config['scan.too_large_action'],
  };
}

export function scannerFromConfig(config: Config): Scanner {
  return new Scanner({
    clamd: config.clamd,
    spamd: config.spamd,
    timeoutMs: config['scan.timeout_seconds'] * 1000,
    maxConcurrent: config['scan.max_concurrent'],
    clamdMaxStreamBytes: config['scan.clamd_max_stream_bytes'],
    spamdMaxMessageBytes: config['scan.spamd_max_message_bytes'],
  });
}

export class ContentScan {
  private readonly log: Log = logger('application');
  private readonly healthListeners = new Set<() => void>();

  constructor(
    readonly scanner: Scanner,
    private readonly policy: ScanPolicy,
    private readonly store: QuarantineStore,
    private readonly events: EventBus,
  ) {}

  get enabled(): boolean {
    return this.scanner.enabled;
  }

  /**
   * Called when a scan finds a daemon newly unreachable or reachable again, or a daemon's circuit opens or
   * closes (its background probe got an answer): the self-test reruns.
   */
  onHealthChange(listener: () => void): () => void {
    this.healthListeners.add(listener);
    const stopWatching = this.scanner.onAvailabilityChange(listener);
    return () => {
      this.healthListeners.delete(listener);
      stopWatching();
    };
  }

  /** Never hangs past the scanner's timeouts; rejects only when the quarantine cannot be written. */
  async run(req: ScanRequest): Promise<ScanResult> {
    if (!this.scanner.enabled || req.mode === 'none') return { kind: 'accept', content: req.content, envelope: req.envelope };
    const before = this.reachability();
    const verdict = await this.scanner.scan(req.content, { spam: req.mode === 'all' });
    const log = this.log.child({ ...req.logContext, queueId: req.id, source: req.envelope.source });
    this.reportErrors(verdict, log);
    if (this.reachability() !== before) this.healthListeners.forEach((listener) => listener());
    const decision = decide(verdict, this.policy);
    return this.act(decision, verdict, req, log);
  }

  private async act(d: Decision, verdict: Verdict, req: ScanRequest, log: Log): Promise<ScanResult> {
    const spam = verdict.spam.kind === 'scored' ? verdict.spam : null;
    const timings = { virusMs: round(verdict.virusMs), spamMs: round(verdict.spamMs) };
    switch (d.action) {
      case 'reject':
        if (d.reason === 'virus') {
          this.events.emit('scan.virus', { action: 'reject' });
          log.warn({ virus: d.virus, action: 'reject', ...timings }, 'virus found; message refused');
          return refuse(d.reply, 'virus');
        }
        if (d.reason === 'spam') {
          this.events.emit('scan.spam', { action: 'reject' });
          log.info({ score: d.score, rules: spam?.rules ?? [], action: 'reject', ...timings }, 'spam found; message refused');
          return refuse(d.reply, 'spam');
        }
        log.info({ bytes: req.content.length, action: 'reject' }, 'message too large for the virus scanner; refused');
        return refuse(d.reply, 'too_big');
      case 'tempfail':
        log.warn({ unscanned: d.unscanned.map((u) => u.check) }, 'message could not be scanned; temp-failed');
        return refuse(d.reply, 'scanner_unavailable');
      case 'delete':
        if (d.reason === 'virus') {
          this.events.emit('scan.virus', { action: 'delete' });
          log.warn({ virus: d.virus, action: 'delete', ...timings }, 'virus found; message deleted');
        } else {
          this.events.emit('scan.spam', { action: 'delete' });
          log.info({ score: d.score, rules: spam?.rules ?? [], action: 'delete', ...timings }, 'spam found; message deleted');
        }
        this.accepted(req);
        return { kind: 'dropped', how: 'deleted' };
      case 'quarantine': {
        const { sender, recipients, source, clientAddress, authUser } = req.envelope;
        if (source === 'bounce') throw new Error('bounces are never scanned');
        await this.store.quarantine({ id: req.id, sender, recipients, source, clientAddress, authUser, reason: 'virus', detail: d.virus, content: req.content }, Date.now());
        this.events.emit('scan.virus', { action: 'quarantine' });
        log.warn({ virus: d.virus, action: 'quarantine', ...timings }, 'virus found; message quarantined');
        this.accepted(req);
        return { kind: 'dropped', how: 'quarantined' };
      }
      case 'deliver': {
        for (const u of d.unscanned) {
          if (u.why === 'too_large') log.info({ check: u.check, bytes: req.content.length }, `message too large for the ${u.check} check; delivered without it`);
        }
        if (d.unscanned.some((u) => u.why === 'unavailable'))
          log.warn({ unscanned: d.unscanned.filter((u) => u.why === 'unavailable').map((u) => u.check) }, 'accepted without a scan: scanner unavailable');
        const traced = { ...req.envelope, trace: { ...req.envelope.trace, scan: describeVerdict(verdict) } };
        if (!d.spam) return { kind: 'accept', content: req.content, envelope: traced };
        const junk = d.folder === 'Junk';
        if (d.spam.isSpam) {
          const action = junk ? 'junk' : 'tag';
          this.events.emit('scan.spam', { action });
          log.info({ score: d.spam.score, rules: d.spam.rules, action, ...timings }, 'spam found; delivered tagged');
        }
        const recipients = junk ? req.envelope.recipients.map((r) => (r.destination === 'local' ? { ...r, folder: 'Junk' } : r)) : req.envelope.recipients;
        return { kind: 'accept', content: addSpamHeaders(req.content, d.spam), envelope: { ...traced, recipients } };
      }
    }
  }

  private reportErrors(verdict: Verdict, log: Log): void {
    const checks: Array<['clamd' | 'spamd', Verdict['virus'] | SpamOutcome | Verdict['spam']]> = [
      ['clamd', verdict.virus],
      ['spamd', verdict.spam],
    ];
    for (const [scanner, outcome] of checks) {
      if (outcome.kind !== 'error') continue;
      this.events.emit('scan.error', { scanner });
      log.warn({ scanner, err: outcome.message }, `${scanner} did not answer`);
    }
  }

  private accepted(req: ScanRequest): void {
    const { source, recipients } = req.envelope;
    if (source !== 'bounce') this.events.emit('message.accepted', { id: req.id, source, size: req.content.length, recipients: recipients.length });
  }

  private reachability(): string {
    return this.scanner
      .health()
      .map((h) => `${h.scanner}:${h.reachable}`)
      .join(',');
  }
}

function refuse(reply: { code: number; message: string }, reason: RejectionReason): ScanResult {
  return { kind: 'refuse', code: reply.code, message: reply.message, reason };
}

const round = (ms: number | null): number | undefined => (ms === null ? undefined : Math.round(ms * 10) / 10);

/** The verdicts in a few words for the message history: 'virus: clean; spam: 1.2 of 5 (ham)'. */
export function describeVerdict(v: Verdict): string {
  const virus = v.virus.kind === 'virus' ? `found ${v.virus.name}` : v.virus.kind === 'error' ? 'not scanned (error)' : v.virus.kind.replace('_', ' ');
  const spam =
    v.spam.kind === 'scored' ? `${v.spam.score} of ${v.spam.threshold} (${v.spam.isSpam ? 'spam' : 'ham'})` : v.spam.kind === 'error' ? 'not scanned (error)' : v.spam.kind.replace('_', ' ');
  return `virus: ${virus}; spam: ${spam}`;
}
