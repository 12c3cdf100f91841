// Every action of the scan policy, and the order in which they win: virus first, then spam that needs no
// other check (reject, delete), then an unavailable scanner, then tagging, the Junk folder or plain delivery.
import { describe, expect, it } from 'vitest';
import type { SpamOutcome, Verdict, VirusOutcome } from './outcomes.ts';
import { decide, DEFAULT_SCAN_POLICY, type ScanPolicy } from './policy.ts';

type Checks = Pick<Verdict, 'virus' | 'spam'>;
const clean: VirusOutcome = { kind: 'clean' };
const scored = (score: number, rules = ['RULE_A']): SpamOutcome => ({ kind: 'scored', score, threshold: 5, isSpam: score >= 5, rules });
const down = (what: string) => ({ kind: 'error', message: `${what} at 127.0.0.1:1: connect ECONNREFUSED` }) as const;
const policy = (p: Partial<ScanPolicy> = {}): ScanPolicy => ({ ...DEFAULT_SCAN_POLICY, ...p });
const verdict = (virus: Checks['virus'], spam: Checks['spam']): Checks => ({ virus, spam });

describe('decide: viruses', () => {
  const infected = verdict({ kind: 'virus', name: 'Eicar-Test-Signature' }, { kind: 'skipped' });

  it('rejects with 554 5.7.1 naming the virus by default', () => {
    expect(decide(infected, policy())).toEqual({
      action: 'reject',
      reason: 'virus',
      virus: 'Eicar-Test-Signature',
      reply: { code: 554, message: '5.7.1 Message rejected: virus found (Eicar-Test-Signature)' },
    });
  });

  it('deletes or quarantines when configured to', () => {
    expect(decide(infected, policy({ virusAction: 'delete' }))).toEqual({ action: 'delete', reason: 'virus', virus: 'Eicar-Test-Signature' });
    expect(decide(infected, policy({ virusAction: 'quarantine' }))).toEqual({ action: 'quarantine', reason: 'virus', virus: 'Eicar-Test-Signature' });
  });

  it('keeps the reply line printable whatever clamd calls the virus', () => {
    const d = decide(verdict({ kind: 'virus', name: 'Bad\r\nName é' }, { kind: 'skipped' }), policy());
    expect(d.action === 'reject' && d.reply.message).toBe('5.7.1 Message rejected: virus found (Bad??Name??)');
  });

  it('acts on a virus even when the spam check was down and the policy temp-fails', () => {
    expect(decide(verdict({ kind: 'virus', name: 'X' }, down('spamd')), policy({ unavailableAction: 'tempfail' })).action).toBe('reject');
  });
});

describe('decide: spam', () => {
  it('by default files spam in Junk, tagged', () => {
    expect(decide(verdict(clean, scored(7)), policy())).toMatchObject({ action: 'deliver', folder: 'Junk', spam: { isSpam: true } });
  });

  it('delivers ham to INBOX with the score for the X-Spam headers and no subject prefix', () => {
    expect(decide(verdict(clean, scored(4.9)), policy({ spamSubjectPrefix: '[SPAM] ' }))).toEqual({
      action: 'deliver',
      folder: 'INBOX',
      spam: { isSpam: false, score: 4.9, threshold: 5, rules: ['RULE_A'], subjectPrefix: null },
      unscanned: [],
    });
  });

  it('tags spam from the tag score up (inclusive), with the prefix when one is set', () => {
    const d = decide(verdict(clean, scored(5)), policy({ spamAction: 'tag', spamSubjectPrefix: '[SPAM] ' }));
    expect(d).toMatchObject({ action: 'deliver', folder: 'INBOX', spam: { isSpam: true, score: 5, subjectPrefix: '[SPAM] ' } });
    expect(decide(verdict(clean, scored(4.99)), policy({ spamAction: 'tag' }))).toMatchObject({ spam: { isSpam: false } });
    expect(decide(verdict(clean, scored(7)), policy({ spamAction: 'tag' }))).toMatchObject({ folder: 'INBOX', spam: { isSpam: true, subjectPrefix: null } });
  });

  it('judges by the policy tag score, not by spamd own required_score', () => {
    const spamdSaysSpam: SpamOutcome = { kind: 'scored', score: 6, threshold: 5, isSpam: true, rules: [] };
    expect(decide(verdict(clean, spamdSaysSpam), policy({ spamTagScore: 8 }))).toMatchObject({ action: 'deliver', spam: { isSpam: false, threshold: 8 } });
  });

  it('files spam in Junk, or deletes it, when configured to', () => {
    expect(decide(verdict(clean, scored(9)), policy({ spamAction: 'junk' }))).toMatchObject({ action: 'deliver', folder: 'Junk', spam: { isSpam: true } });
    expect(decide(verdict(clean, scored(3)), policy({ spamAction: 'junk' }))).toMatchObject({ action: 'deliver', folder: 'INBOX' });
    expect(decide(verdict(clean, scored(9)), policy({ spamAction: 'delete' }))).toEqual({ action: 'delete', reason: 'spam', score: 9 });
  });

  it('rejects with 554 5.7.1 from the reject score up, whatever the spam action', () => {
    for (const spamAction of ['tag', 'junk', 'delete'] as const) {
      expect(decide(verdict(clean, scored(20)), policy({ spamAction }))).toEqual({ action: 'reject', reason: 'spam', score: 20, reply: { code: 554, message: '5.7.1 Message rejected as spam' } });
    }
    expect(decide(verdict(clean, scored(19.9)), policy())).toMatchObject({ action: 'deliver' });
  });

  it('never rejects when the reject score is off', () => {
    expect(decide(verdict(clean, scored(1000)), policy({ spamRejectScore: null }))).toMatchObject({ action: 'deliver', spam: { isSpam: true } });
  });

  it('refuses spam outright even while the virus scanner is down and the policy temp-fails', () => {
    expect(decide(verdict(down('clamd'), scored(25)), policy({ unavailableAction: 'tempfail' })).action).toBe('reject');
    expect(decide(verdict(down('clamd'), scored(9)), policy({ unavailableAction: 'tempfail', spamAction: 'delete' })).action).toBe('delete');
  });
});

describe('decide: scanners that did not answer', () => {
  it('accepts unscanned by default and lists what was missed, for the warning and the counter', () => {
    expect(decide(verdict(down('clamd'), scored(1)), policy())).toMatchObject({
      action: 'deliver',
      folder: 'INBOX',
      unscanned: [{ check: 'virus', why: 'unavailable', message: 'clamd at 127.0.0.1:1: connect ECONNREFUSED' }],
    });
    expect(decide(verdict(clean, down('spamd')), policy())).toEqual({
      action: 'deliver',
      folder: 'INBOX',
      spam: null,
      unscanned: [{ check: 'spam', why: 'unavailable', message: 'spamd at 127.0.0.1:1: connect ECONNREFUSED' }],
    });
  });

  it('temp-fails with 451 4.7.1 when configured to, for either scanner', () => {
    for (const v of [verdict(down('clamd'), scored(1)), verdict(clean, down('spamd')), verdict(down('clamd'), down('spamd'))]) {
      expect(decide(v, policy({ unavailableAction: 'tempfail' }))).toMatchObject({
        action: 'tempfail',
        reason: 'scanner_unavailable',
        reply: { code: 451, message: '4.7.1 Message could not be scanned, try again later' },
      });
    }
  });

  it('tags spam found while the virus scanner was down when accepting unscanned', () => {
    expect(decide(verdict(down('clamd'), scored(8)), policy())).toMatchObject({ action: 'deliver', spam: { isSpam: true }, unscanned: [{ check: 'virus' }] });
  });

  it('lists messages too large to scan as unscanned, but never temp-fails them (a retry would not help)', () => {
    const d = decide(verdict({ kind: 'too_large' }, { kind: 'too_large' }), policy({ unavailableAction: 'tempfail' }));
    expect(d).toEqual({
      action: 'deliver',
      folder: 'INBOX',
      spam: null,
      unscanned: [
        { check: 'virus', why: 'too_large' },
        { check: 'spam', why: 'too_large' },
      ],
    });
  });

  it('refuses a message over the virus scanner limit with 552 5.3.4 when configured to, whatever the spam check said', () => {
    expect(decide(verdict({ kind: 'too_large' }, scored(1)), policy({ tooLargeAction: 'reject' }))).toEqual({
      action: 'reject',
      reason: 'too_large',
      reply: { code: 552, message: '5.3.4 Message too large to be scanned for viruses' },
    });
    // Only clamd's limit counts: mail too large for spamd alone is delivered as spamc would.
    expect(decide(verdict(clean, { kind: 'too_large' }), policy({ tooLargeAction: 'reject' }))).toMatchObject({ action: 'deliver' });
  });

  it('delivers untouched when no scanner is configured', () => {
    expect(decide(verdict({ kind: 'not_configured' }, { kind: 'not_configured' }), policy({ unavailableAction: 'tempfail' }))).toEqual({
      action: 'deliver',
      folder: 'INBOX',
      spam: null,
      unscanned: [],
    });
  });
});
