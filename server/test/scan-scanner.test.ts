// The Scanner facade with real clamd and spamd, through decide() and the header tagging, the way the SMTP
// DATA phase will use it: a virus skips the spam check, spam is tagged and reads back with mailparser, a
// stopped clamd is accepted unscanned or temp-failed per policy, and health follows the daemons.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, DEFAULT_SCAN_POLICY } from '../src/scan/policy.ts';
import { Scanner } from '../src/scan/scanner.ts';
import { addSpamHeaders } from '../src/scan/spam-headers.ts';
import { ClamdProcess, eicarMail } from './helpers/clamd.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { gtubeMail, hamMail, SpamdProcess } from './helpers/spamd.ts';

const haveDaemons = requireScannerDaemons('clamd', 'spamd');
let clamd: ClamdProcess;
let spamd: SpamdProcess;
let scanner: Scanner;

beforeAll(async () => {
  if (!haveDaemons) return;
  [clamd, spamd] = await Promise.all([ClamdProcess.start(), SpamdProcess.start()]);
  scanner = new Scanner({ clamd: clamd.tcpUrl, spamd: spamd.address, timeoutMs: 10_000 });
});

afterAll(async () => {
  await Promise.all([clamd?.cleanup(), spamd?.cleanup()]);
});

describe.skipIf(!haveDaemons)('Scanner with real clamd and spamd', () => {
  it('rejects a virus with 554 5.7.1 and drops the spam check', async () => {
    const verdict = await scanner.scan(eicarMail());
    expect(verdict).toMatchObject({ virus: { kind: 'virus' }, spam: { kind: 'skipped' }, spamMs: null });
    expect(decide(verdict, DEFAULT_SCAN_POLICY)).toMatchObject({
      action: 'reject',
      reply: { code: 554, message: expect.stringMatching(/^5\.7\.1 Message rejected: virus found \(Mailroom\.Test\.EICAR/) },
    });
  });

  it('rejects GTUBE at the default reject score, and tags it with headers mailparser reads back when rejecting is off', async () => {
    const verdict = await scanner.scan(gtubeMail());
    expect(verdict).toMatchObject({ virus: { kind: 'clean' }, spam: { kind: 'scored', isSpam: true } });
    expect(decide(verdict, DEFAULT_SCAN_POLICY)).toMatchObject({ action: 'reject', reason: 'spam', reply: { code: 554, message: '5.7.1 Message rejected as spam' } });

    const d = decide(verdict, { ...DEFAULT_SCAN_POLICY, spamAction: 'tag', spamRejectScore: null, spamSubjectPrefix: '[SPAM] ' });
    expect(d).toMatchObject({ action: 'deliver', folder: 'INBOX' });
    if (d.action !== 'deliver' || !d.spam) throw new Error('expected a tagged delivery');
    const parsed = await simpleParser(addSpamHeaders(gtubeMail(), d.spam));
    expect(parsed.subject).toBe('[SPAM] test');
    expect(parsed.headers.get('x-spam-flag')).toBe('YES');
    expect(Number(parsed.headers.get('x-spam-score'))).toBeGreaterThanOrEqual(1000);
    expect(String(parsed.headers.get('x-spam-status'))).toMatch(/^Yes, score=\d+\.\d required=5\.0 tests=GTUBE,/);
  });

  it('delivers ham to INBOX labelled as not spam', async () => {
    const verdict = await scanner.scan(hamMail());
    const d = decide(verdict, { ...DEFAULT_SCAN_POLICY, spamAction: 'junk' });
    expect(d).toMatchObject({ action: 'deliver', folder: 'INBOX', spam: { isSpam: false }, unscanned: [] });
  });

  it('reports both daemons reachable with their versions', async () => {
    const health = await scanner.checkHealth();
    expect(health).toEqual([
      expect.objectContaining({ scanner: 'clamd', reachable: true, version: expect.stringMatching(/^ClamAV /), lastError: null }),
      expect.objectContaining({ scanner: 'spamd', reachable: true, version: expect.stringMatching(/^SPAMD\//), lastError: null }),
    ]);
    expect(health.every((h) => typeof h.lastCheckedAt === 'number')).toBe(true);
  });

  it('with clamd stopped: still scores spam, accepts unscanned or temp-fails per policy, and health shows it until restart', async () => {
    await clamd.stop();
    const verdict = await scanner.scan(hamMail());
    expect(verdict).toMatchObject({ virus: { kind: 'error' }, spam: { kind: 'scored' } });
    expect(decide(verdict, DEFAULT_SCAN_POLICY)).toMatchObject({ action: 'deliver', unscanned: [{ check: 'virus', why: 'unavailable' }] });
    expect(decide(verdict, { ...DEFAULT_SCAN_POLICY, unavailableAction: 'tempfail' })).toMatchObject({ action: 'tempfail', reply: { code: 451, message: expect.stringMatching(/^4\.7\.1 /) } });
    expect(scanner.health()[0]).toMatchObject({ scanner: 'clamd', reachable: false, lastError: expect.stringMatching(/ECONNREFUSED/) });

    await clamd.resume();
    const [clamdHealth] = await scanner.checkHealth();
    // The last error stays visible after recovery, for the operator who comes to look later.
    expect(clamdHealth).toMatchObject({ reachable: true, lastError: expect.stringMatching(/ECONNREFUSED/) });
    expect((await scanner.scan(eicarMail())).virus).toMatchObject({ kind: 'virus' });
  });

  it('is disabled and passes everything through when no daemon is configured', async () => {
    const none = new Scanner({});
    expect(none.enabled).toBe(false);
    expect(await none.scan(eicarMail())).toEqual({ virus: { kind: 'not_configured' }, spam: { kind: 'not_configured' }, virusMs: null, spamMs: null });
    expect(none.health()).toEqual([]);
  });
});
