// What a scan can come back with. Scans never throw: every failure is an outcome, so the SMTP DATA phase
// has one place (policy.ts) that turns outcomes into a reply.

/**
 * Set on an error when the daemon is down: it did not take the connection (`unreachable`), did not answer
 * within the timeout (`timeout`), or is known to be down and was not asked (`circuit_open`, breaker.ts).
 */
export type DownReason = 'unreachable' | 'timeout' | 'circuit_open';
export type CheckError = { kind: 'error'; message: string; down?: DownReason };

export type VirusOutcome =
  | { kind: 'clean' }
  /** `name` as clamd reports it; custom signatures carry clamd's `.UNOFFICIAL` suffix. */
  | { kind: 'virus'; name: string }
  /** Larger than the stream limit, so not scanned (refused before sending, or by clamd itself). */
  | { kind: 'too_large' }
  | CheckError;

export type SpamOutcome =
  | { kind: 'scored'; score: number; threshold: number; isSpam: boolean; rules: string[] }
  /** Larger than the spam size limit, so not sent (spamc's behaviour: big mail is rarely spam and slow). */
  | { kind: 'too_large' }
  | CheckError;

/** A check that did not run: no daemon configured, or not wanted (an earlier check found a virus, or the caller asked for the virus check only). */
export type NotRun = { kind: 'not_configured' } | { kind: 'skipped' };

/** Both checks for one message. Timings are for the scan-duration metric; null when the check did not run. */
export interface Verdict {
  virus: VirusOutcome | NotRun;
  spam: SpamOutcome | NotRun;
  virusMs: number | null;
  spamMs: number | null;
}
