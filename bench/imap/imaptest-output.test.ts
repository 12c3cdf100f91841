// bench:imaptest's reading of imaptest's output, on text imaptest printed against Mailroom (commit 924f619
// of imaptest, built as bench/imap/README.md says): a scripted run, a stress run of the default profile with
// the duplicate-Message-ID errors that made the stress mailbox leave those messages out, and a run of the
// extra-commands profile (two lines of probabilities, more columns).
import { describe, expect, it } from 'vitest';
import { parseScripted, parseStress, stressMbox } from './imaptest-output.ts';

const SCRIPTED = `71 test groups: 0 failed, 0 skipped due to missing capabilities
base protocol: 3/457 individual commands failed
extensions: 1/216 individual commands failed
`;

const DEFAULT_PROFILE = `Error: b@example.test[187]: uid=155 b@b: ENVELOPE changed 'NIL "Re: foo" NIL NIL NIL NIL NIL NIL NIL "<b@b>"' -> 'NIL NIL NIL NIL NIL NIL NIL NIL NIL "<b@b>"': * 29 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL "<b@b>") UID 155)
Error: b@example.test[223]: uid=163 c@b: RFC822.SIZE size changed 46 -> '49': * 17 FETCH (FLAGS (\\Answered \\Flagged $Label4) RFC822.SIZE 49 UID 163)
Logi List Stat Sele Fetc Fet2 Stor Dele Expu Appe Logo 
100%  50%  50% 100% 100% 100%  50% 100% 100% 100% 100% 
                          30%                  5%      
 497  243  253  497  499  695  196  307  497  338  497   9/ 10
   1    0    0    0   11   16   17   17   16   16    0 ms/cmd avg

Totals:
Logi List Stat Sele Fetc Fet2 Stor Dele Expu Appe Logo 
100%  50%  50% 100% 100% 100%  50% 100% 100% 100% 100% 
                          30%                  5%      
2262 1127 1165 2262 2261 3187  899 1291 2261 1564 2263 
`;

const EXTRA_PROFILE = `Totals:
Logi List MCre MDel MSub Stat Sele UIDF Fetc Fet2 Sear Sort Thre Copy Stor Dele Expu Appe Noop Chec Logo 
100%  50%   5%   5%   5%  50% 100%  50% 100% 100%  30%  30%  20%  33%  50% 100% 100% 100%  20%  10% 100% 
                                              30%                  5%                  5%                
2120 1033   59    8   61 1051 2118 1024 2116 3020  602  652  398  715  895 1094 2116 1208  444  183 2125 
`;

describe('imaptest output', () => {
  it('reads the scripted summary', () => {
    expect(parseScripted(SCRIPTED)).toEqual({
      groups: 71,
      failedGroups: 0,
      skippedGroups: 0,
      baseFailed: 3,
      baseCommands: 457,
      extensionsFailed: 1,
      extensionsCommands: 216,
    });
    expect(() => parseScripted('Error: connect(127.0.0.1:1) failed: Connection refused\n')).toThrow(/no test summary/);
  });

  it('sums the last Totals row and counts the error lines', () => {
    const r = parseStress(DEFAULT_PROFILE);
    expect(r.commands).toBe(2262 + 1127 + 1165 + 2262 + 2261 + 3187 + 899 + 1291 + 2261 + 1564 + 2263);
    expect(r.byCommand.get('Fet2')).toBe(3187);
    expect(r.errors).toBe(2);
    expect(r.firstErrors[1]).toMatch(/RFC822.SIZE size changed/);
  });

  it('reads a profile with more columns and two lines of probabilities', () => {
    const r = parseStress(EXTRA_PROFILE);
    expect(r.byCommand.get('Sear')).toBe(602);
    expect(r.byCommand.get('Thre')).toBe(398);
    expect(r.byCommand.size).toBe(21);
    expect(r.errors).toBe(0);
  });

  it('refuses output without a Totals block', () => {
    expect(() => parseStress('Error: Malformed banner\n')).toThrow(/no Totals/);
    expect(() => parseStress('Totals:\nLogi Sele\n100% 100%\n5 6 7\n')).toThrow(/2 names and 3 counts/);
  });

  it('leaves out every message whose Message-ID occurs more than once', () => {
    const one = 'From a@b Thu Jan  1 00:00:00 2004\nMessage-ID: <a@b>\nSubject: foo\n\nbody1\n';
    const two = 'From a@b Thu Jan  1 00:00:00 2004\nMessage-Id: <a@b>\nSubject: Re: foo\n\nbody2\n';
    const three = 'From c@b Thu Jan  1 00:00:00 2004\nMessage-ID: <c@b>\n\nbody3\n';
    const noId = 'From d@b Thu Jan  1 00:00:00 2004\nSubject: none\n\nbody4\n';
    const r = stressMbox([one + three, two + noId]);
    expect(r.left).toBe(2);
    expect(r.messages).toBe(2);
    expect(r.text).toContain('<c@b>');
    expect(r.text).not.toContain('<a@b>');
    expect(r.text).toContain('body4');
  });
});
