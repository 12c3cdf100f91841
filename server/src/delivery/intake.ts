// The one way mail from outside enters Mailroom, whichever door it came through (SMTP, the admin API's
// injection, an external POP3 account): scan it (content-scan.ts), act on the verdict, and hand what is
// to be delivered to MessageIntake (accept.ts), which resolves once it is durable. One place means the
// same counters, the same log lines and the same scanning rules for every source; the callers only turn
// the outcome into their own answer (an SMTP reply, an HTTP status, a UIDL remembered or not).
import type { Log } from '../telemetry/log.ts';
import type { Envelope, MessageIntake } from './accept.ts';
import type { ContentScan, ScanMode } from './content-scan.ts';
import type { RejectionReason } from '../telemetry/events.ts';

export interface IntakeRequest {
  /** From newId(): the queue id, also named by the caller's Received header. */
  id: string;
  envelope: Envelope;
  /** The message as it will be stored, the caller's Received header included. */
  content: Buffer;
  /** What the scanners check: everything, the virus check only, or nothing. */
  scanMode: ScanMode;
  /** The caller's logger, bound to its session or request, for the lines written here. */
  log: Log;
  /** Bindings for the scanner's detection lines (e.g. the SMTP session id). */
  logContext?: Record<string, unknown>;
}

export type IntakeOutcome =
  /** Durable and queued (or filed): the caller may acknowledge it now. */
  | { kind: 'queued' }
  /** Acknowledged and not delivered: deleted or quarantined by the scan policy. */
  | { kind: 'dropped'; how: 'deleted' | 'quarantined' }
  /** Refused with this SMTP reply (a 4xx: try again later); nothing was kept. */
  | { kind: 'refused'; code: number; message: string; reason: RejectionReason };

export class Intake {
  constructor(
    private readonly accepting: MessageIntake,
    /** Absent or disabled: mail goes straight to the queue. */
    private readonly scan?: ContentScan | undefined,
  ) {}

  /** Reserves a queue id before the content is final (the Received header names it). */
  newId(): string {
    return this.accepting.newId();
  }

  /** Resolves once the outcome is final (for 'queued': committed); rejects when the store fails. */
  async receive(req: IntakeRequest): Promise<IntakeOutcome> {
    const { id, log } = req;
    let { envelope, content } = req;
    if (this.scan?.enabled && req.scanMode !== 'none') {
      const result = await this.scan.run({ id, content, envelope, mode: req.scanMode, logContext: req.logContext });
      if (result.kind === 'refuse') return { kind: 'refused', code: result.code, message: result.message, reason: result.reason };
      if (result.kind === 'dropped') {
        log.info({ queueId: id, bytes: content.length, recipients: envelope.recipients.length, source: envelope.source, outcome: result.how }, 'message accepted and not delivered');
        return { kind: 'dropped', how: result.how };
      }
      envelope = result.envelope;
      content = result.content;
    }
    await this.accepting.accept(id, envelope, content);
    // Debug: SMTP's conversation line already says it at info ("queued as"), with the queue id.
    log.debug({ queueId: id, bytes: content.length, recipients: envelope.recipients.length, source: envelope.source }, 'message accepted');
    return { kind: 'queued' };
  }
}
