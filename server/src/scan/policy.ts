// What to do with a scanned message: pure, so every action is unit-tested and the SMTP DATA phase and the
// API injection path behave the same. Verdicts that need no other check win first (a virus; spam at the
// reject score or set to be deleted; a message too large for clamd when set to refuse it); only then does
// a scanner that could not answer matter.
import type { Verdict } from './outcomes.ts';

export type VirusAction = 'reject' | 'delete' | 'quarantine';
export type SpamAction = 'tag' | 'junk' | 'delete';
export type UnavailableAction = 'accept' | 'tempfail';
export type TooLargeAction = 'accept' | 'reject';

export interface ScanPolicy {
  virusAction: VirusAction;
  spamAction: SpamAction;
  /** Spam from this score up (SpamAssassin's usual 5). */
  spamTagScore: number;
  /** Refuse at SMTP time from this score up; null never refuses. */
  spamRejectScore: number | null;
  /** Put before the subject of spam that is delivered, e.g. `[SPAM] `; empty: leave the subject alone. */
  spamSubjectPrefix: string;
  /** A scanner that is down, times out or is saturated: deliver unscanned, or ask the sender to retry. */
  unavailableAction: UnavailableAction;
  /**
   * A message over clamd's stream limit: deliver it without a virus scan, or refuse it for good (552 5.3.4:
   * a retry would be just as large). Spam checks skip large mail silently, as spamc does.
   */
  tooLargeAction: TooLargeAction;
}

/** The defaults (and hMailServer's): viruses refused; spam from 5 tagged and filed in Junk; from 20 refused. */
export const DEFAULT_SCAN_POLICY: ScanPolicy = {
  virusAction: 'reject',
  spamAction: 'junk',
  spamTagScore: 5,
  spamRejectScore: 20,
  spamSubjectPrefix: '',
  unavailableAction: 'accept',
  tooLargeAction: 'accept',
};

/** What addSpamHeaders() writes. `threshold` is the policy's tag score, which is what made the call. */
export interface SpamTag {
  isSpam: boolean;
  score: number;
  threshold: number;
  rules: string[];
  subjectPrefix: string | null;
}

/** A check that did not cover the message; `unavailable` is what the warning and the counter are for. */
export interface Unscanned {
  check: 'virus' | 'spam';
  why: 'unavailable' | 'too_large';
  message?: string;
}

/** The message starts with its RFC 3463 enhanced code, the convention of smtp/reply.ts. */
export interface ReplyText {
  code: number;
  message: string;
}

export type Decision =
  | { action: 'deliver'; folder: 'INBOX' | 'Junk'; spam: SpamTag | null; unscanned: Unscanned[] }
  | { action: 'reject'; reason: 'virus'; virus: string; reply: ReplyText }
  | { action: 'reject'; reason: 'spam'; score: number; reply: ReplyText }
  | { action: 'reject'; reason: 'too_large'; reply: ReplyText }
  | { action: 'tempfail'; reason: 'scanner_unavailable'; unscanned: Unscanned[]; reply: ReplyText }
  /** Accept (250) and drop without delivering. */
  | { action: 'delete'; reason: 'virus'; virus: string }
  | { action: 'delete'; reason: 'spam'; score: number }
  /** Accept (250) and keep out of every mailbox, for an administrator to look at. */
  | { action: 'quarantine'; reason: 'virus'; virus: string };

export function decide(verdict: Pick<Verdict, 'virus' | 'spam'>, policy: ScanPolicy): Decision {
  if (verdict.virus.kind === 'virus') {
    const virus = verdict.virus.name;
    if (policy.virusAction === 'reject') return { action: 'reject', reason: 'virus', virus, reply: { code: 554, message: `5.7.1 Message rejected: virus found (${printable(virus)})` } };
    return { action: policy.virusAction, reason: 'virus', virus };
  }
  const scored = verdict.spam.kind === 'scored' ? verdict.spam : null;
  if (scored && policy.spamRejectScore !== null && scored.score >= policy.spamRejectScore) {
    return { action: 'reject', reason: 'spam', score: scored.score, reply: { code: 554, message: '5.7.1 Message rejected as spam' } };
  }
  const isSpam = scored !== null && scored.score >= policy.spamTagScore;
  if (isSpam && policy.spamAction === 'delete') return { action: 'delete', reason: 'spam', score: scored.score };

  if (verdict.virus.kind === 'too_large' && policy.tooLargeAction === 'reject') {
    return { action: 'reject', reason: 'too_large', reply: { code: 552, message: '5.3.4 Message too large to be scanned for viruses' } };
  }
  const unscanned = unscannedChecks(verdict);
  if (policy.unavailableAction === 'tempfail' && unscanned.some((u) => u.why === 'unavailable')) {
    return { action: 'tempfail', reason: 'scanner_unavailable', unscanned, reply: { code: 451, message: '4.7.1 Message could not be scanned, try again later' } };
  }
  const spam: SpamTag | null = scored && {
    isSpam,
    score: scored.score,
    threshold: policy.spamTagScore,
    rules: scored.rules,
    subjectPrefix: isSpam && policy.spamSubjectPrefix !== '' ? policy.spamSubjectPrefix : null,
  };
  return { action: 'deliver', folder: isSpam && policy.spamAction === 'junk' ? 'Junk' : 'INBOX', spam, unscanned };
}

function unscannedChecks(verdict: Pick<Verdict, 'virus' | 'spam'>): Unscanned[] {
  const out: Unscanned[] = [];
  for (const check of ['virus', 'spam'] as const) {
    const o = verdict[check];
    if (o.kind === 'error') out.push({ check, why: 'unavailable', message: o.message });
    else if (o.kind === 'too_large') out.push({ check, why: 'too_large' });
  }
  return out;
}

/** A virus name goes into an SMTP reply line: printable ASCII only, and not endless. */
function printable(s: string): string {
  return s.replace(/[^\x21-\x7e]/g, '?').slice(0, 100);
}
