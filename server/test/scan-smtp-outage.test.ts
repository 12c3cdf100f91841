// Scanners going away and coming back, with real daemons and two real mailroom processes side by side:
// one accepts unscanned (scan.unavailable_action = accept, the default), the other temp-fails (tempfail).
// With clamd or spamd stopped, mail is accepted with the scanner_unreachable warning showing and
// mailroom_scan_errors_total{scanner} rising, or deferred with 451 4.7.1; GET /api/v1/server shows the
// daemon unreachable with its last error; once the daemon is back, scanning resumes without a restart and
// the warning clears. A daemon found down is not asked again until it answers a probe (its circuit
// breaker: scan/breaker.ts), so the tests wait for the circuit to close before expecting scans again;
// scan-breaker.test.ts covers the breaker itself. A daemon that accepts connections but never answers
// (SIGSTOP) costs a session at most the scan timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdProcess, eicarMail } from './helpers/clamd.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import type { MailroomProcess } from './helpers/mailroom.ts';
import { api, metric, scanServer, smtpSend } from './helpers/scan-mail.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { gtubeMail, hamMail, SpamdProcess } from './helpers/spamd.ts';

const haveDaemons = requireScannerDaemons('clamd', 'spamd');
const TIMEOUT_SECONDS = 3;
let clamd: ClamdProcess;
let spamd: SpamdProcess;
let accepting: MailroomProcess;
let deferring: MailroomProcess;

interface Warnings {
  items: Array<{ id: string; severity: string; message: string }>;
}
interface ScannerStatus {
  scanner: string;
  address: string;
  reachable: boolean | null;
  version: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  circuit: 'closed' | 'open';
}

const mx = (mr: MailroomProcess, content: Buffer) => smtpSend({ port: mr.ports.smtp, from: 'sender@remote.test', to: 'alice@example.test', content });
const warningIds = async (mr: MailroomProcess) => (await api<Warnings>(mr, '/api/v1/warnings')).body.items.map((w) => w.id);
const scanners = async (mr: MailroomProcess) => (await api<{ scanners: ScannerStatus[] }>(mr, '/api/v1/server')).body.scanners;
/** Until the daemon's circuit closes: GET /api/v1/server asks it, and an answer closes the circuit at once. */
const answering = (mr: MailroomProcess, scanner: string) =>
  waitFor(
    () => scanners(mr),
    (list) => list.find((x) => x.scanner === scanner)?.circuit === 'closed',
    40_000,
    `the ${scanner} circuit to close`,
  );

beforeAll(async () => {
  if (!haveDaemons) return;
  [clamd, spamd] = await Promise.all([ClamdProcess.start(), SpamdProcess.start()]);
  const env = { MAILROOM_CLAMD: clamd.tcpUrl, MAILROOM_SPAMD: spamd.address, MAILROOM_SCAN_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS) };
  [accepting, deferring] = await Promise.all([scanServer(env), scanServer({ ...env, MAILROOM_SCAN_UNAVAILABLE_ACTION: 'tempfail' })]);
});

afterAll(async () => {
  clamd?.thaw();
  await Promise.all([accepting?.stop(), deferring?.stop()]);
  accepting?.cleanup();
  deferring?.cleanup();
  await Promise.all([clamd?.cleanup(), spamd?.cleanup()]);
});

describe.skipIf(!haveDaemons)('scanners down and back', () => {
  it('reports both scanners reachable, with versions, in GET /api/v1/server, and no warning', async () => {
    expect(await scanners(accepting)).toEqual([
      expect.objectContaining({ scanner: 'clamd', address: clamd.tcpUrl.slice('tcp://'.length), reachable: true, version: expect.stringMatching(/^ClamAV \d/), lastError: null }),
      expect.objectContaining({ scanner: 'spamd', address: spamd.address, reachable: true, version: expect.stringMatching(/^SPAMD\//), lastError: null }),
    ]);
    expect(await warningIds(accepting)).not.toContain('clamd_unreachable');
  });

  it('with clamd stopped: accepts unscanned with the warning showing and the error counted, or answers 451 4.7.1', async () => {
    await clamd.stop();
    const out = await mx(accepting, eicarMail());
    // Nothing could look for the virus: the message goes through, as configured.
    expect(out.code).toBe(250);
    expect(await metric(accepting, 'mailroom_scan_errors_total', { scanner: 'clamd' })).toBe(1);
    expect(await metric(accepting, 'mailroom_viruses_detected_total')).toBe(0);
    const warnings = await waitFor(
      () => api<Warnings>(accepting, '/api/v1/warnings'),
      (r) => r.body.items.some((w) => w.id === 'clamd_unreachable'),
      10_000,
      'the clamd warning',
    );
    expect(warnings.body.items.find((w) => w.id === 'clamd_unreachable')).toMatchObject({ severity: 'high', message: expect.stringMatching(/ECONNREFUSED.*accepted without a virus check/) });
    expect(await metric(accepting, 'mailroom_config_warnings', { id: 'clamd_unreachable', severity: 'high' })).toBe(1);
    expect((await scanners(accepting))[0]).toMatchObject({ scanner: 'clamd', reachable: false, lastError: expect.stringMatching(/ECONNREFUSED/), lastErrorAt: expect.any(String) });

    const deferred = await mx(deferring, hamMail());
    expect(deferred).toMatchObject({ code: 451, message: '4.7.1 Message could not be scanned, try again later' });
    expect(await metric(deferring, 'mailroom_scan_errors_total', { scanner: 'clamd' })).toBe(1);
    expect(await metric(deferring, 'mailroom_smtp_rejections_total', { reason: 'scanner_unavailable' })).toBe(1);
    expect(await metric(deferring, 'mailroom_messages_processed_total', { source: 'smtp' })).toBe(0);
  });

  it('with clamd back: scans again without a restart, and the warning clears', async () => {
    await clamd.resume();
    for (const mr of [accepting, deferring]) {
      await answering(mr, 'clamd');
      const out = await mx(mr, eicarMail());
      expect(out).toMatchObject({ code: 554, message: expect.stringMatching(/^5\.7\.1 Message rejected: virus found/) });
      expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(1);
    }
    expect((await mx(deferring, hamMail())).code).toBe(250);
    await waitFor(
      () => warningIds(accepting),
      (ids) => !ids.includes('clamd_unreachable'),
      10_000,
      'the clamd warning to clear',
    );
    // The last error stays on record for whoever looks later.
    expect((await scanners(accepting))[0]).toMatchObject({ reachable: true, lastError: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('with spamd stopped: spam goes through untagged with the warning showing, or gets 451; back, GTUBE is refused again', async () => {
    await spamd.stop();
    const out = await mx(accepting, gtubeMail());
    expect(out.code).toBe(250);
    const inbox = await waitFor(
      () => mailboxContents(accepting.dataDir, 'alice@example.test'),
      (m) => m.some((x) => x.content.includes('GTUBE')),
      10_000,
      'unscanned GTUBE',
    );
    expect(inbox.find((x) => x.content.includes('GTUBE'))!.content).not.toMatch(/^X-Spam-/im);
    expect(await metric(accepting, 'mailroom_scan_errors_total', { scanner: 'spamd' })).toBe(1);
    await waitFor(
      () => warningIds(accepting),
      (ids) => ids.includes('spamd_unreachable'),
      10_000,
      'the spamd warning',
    );
    expect((await mx(deferring, gtubeMail())).code).toBe(451);
    expect(await metric(deferring, 'mailroom_scan_errors_total', { scanner: 'spamd' })).toBe(1);

    await spamd.resume();
    for (const mr of [accepting, deferring]) await answering(mr, 'spamd');
    for (const mr of [accepting, deferring]) expect(await mx(mr, gtubeMail())).toMatchObject({ code: 554, message: '5.7.1 Message rejected as spam' });
    await waitFor(
      () => warningIds(accepting),
      (ids) => !ids.includes('spamd_unreachable'),
      10_000,
      'the spamd warning to clear',
    );
  });

  it('never holds a session past the scan timeout when clamd accepts connections but does not answer', async () => {
    clamd.freeze();
    try {
      const [accepted, deferred] = await Promise.all([mx(accepting, hamMail()), mx(deferring, hamMail())]);
      expect(accepted.code).toBe(250);
      expect(deferred.code).toBe(451);
      for (const { seconds } of [accepted, deferred]) {
        expect(seconds).toBeGreaterThanOrEqual(TIMEOUT_SECONDS - 0.5);
        // The timeout, the spam check on a busy machine, and the session's own round trips.
        expect(seconds).toBeLessThan(TIMEOUT_SECONDS + 10);
      }
      expect(await metric(accepting, 'mailroom_scan_errors_total', { scanner: 'clamd' })).toBe(2);
    } finally {
      clamd.thaw();
    }
    await answering(accepting, 'clamd');
    expect((await mx(accepting, eicarMail())).code).toBe(554);
  });
});
