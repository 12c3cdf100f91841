// The scanners' circuit breaker against daemons that accept connections and never answer (stand-ins on
// loopback in front of a real clamd and spamd): the first message waits one scan timeout (not one per
// daemon), the following ones are not held at all while the daemons are known down (the checks count as
// unavailable at once), GET /api/v1/server and mailroom_scanner_available show the open circuits, and
// once the daemons answer again a background probe closes the circuits and scanning resumes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdProcess, eicarMail } from './helpers/clamd.ts';
import { DaemonStandIn } from './helpers/daemon-stand-in.ts';
import { waitFor } from './helpers/mailbox.ts';
import type { MailroomProcess } from './helpers/mailroom.ts';
import { api, metric, scanServer, smtpSend } from './helpers/scan-mail.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { gtubeMail, hamMail, SpamdProcess } from './helpers/spamd.ts';

const haveDaemons = requireScannerDaemons('clamd', 'spamd');
const TIMEOUT_SECONDS = 4;
const FOLLOWING = 4;
let clamd: ClamdProcess;
let spamd: SpamdProcess;
let clamdStandIn: DaemonStandIn;
let spamdStandIn: DaemonStandIn;
let mr: MailroomProcess;

interface ScannerStatus {
  scanner: string;
  reachable: boolean | null;
  circuit: 'closed' | 'open';
  circuitOpenedAt: string | null;
}

const mx = (content: Buffer) => smtpSend({ port: mr.ports.smtp, from: 'sender@remote.test', to: 'alice@example.test', content });

beforeAll(async () => {
  if (!haveDaemons) return;
  [clamd, spamd] = await Promise.all([ClamdProcess.start(), SpamdProcess.start()]);
  [clamdStandIn, spamdStandIn] = await Promise.all([DaemonStandIn.start({ host: '127.0.0.1', port: clamd.port }), DaemonStandIn.start({ host: '127.0.0.1', port: spamd.port })]);
  mr = await scanServer({
    MAILROOM_CLAMD: `tcp://127.0.0.1:${clamdStandIn.port}`,
    MAILROOM_SPAMD: `127.0.0.1:${spamdStandIn.port}`,
    MAILROOM_SCAN_TIMEOUT_SECONDS: String(TIMEOUT_SECONDS),
  });
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await Promise.all([clamdStandIn?.close(), spamdStandIn?.close()]);
  await Promise.all([clamd?.cleanup(), spamd?.cleanup()]);
});

describe.skipIf(!haveDaemons)('scanner circuit breaker', () => {
  it('holds the first message one timeout for both daemons together, and the following ones not at all', async () => {
    const first = await mx(hamMail());
    expect(first.code).toBe(250);
    // clamd and spamd both hang: one timeout, not one after the other (that would be 2 × 4 s).
    expect(first.seconds).toBeGreaterThanOrEqual(TIMEOUT_SECONDS - 0.5);
    expect(first.seconds).toBeLessThan(2 * TIMEOUT_SECONDS - 0.5);

    const following = [];
    for (let i = 0; i < FOLLOWING; i++) following.push(await mx(hamMail()));
    for (const out of following) {
      expect(out.code).toBe(250);
      // Not held by the scanners at all; the margin is for a busy machine's session round trips.
      expect(out.seconds).toBeLessThan(TIMEOUT_SECONDS / 2);
    }
    console.log(`first message ${first.seconds.toFixed(2)} s; following ${following.map((o) => o.seconds.toFixed(2)).join(', ')} s`);
    // Every check that did not run still counts as missed.
    expect(await metric(mr, 'mailroom_scan_errors_total', { scanner: 'clamd' })).toBe(1 + FOLLOWING);
    expect(await metric(mr, 'mailroom_scan_errors_total', { scanner: 'spamd' })).toBe(1 + FOLLOWING);
  });

  it('shows the open circuits in GET /api/v1/server and mailroom_scanner_available', async () => {
    expect(await metric(mr, 'mailroom_scanner_available', { scanner: 'clamd' })).toBe(0);
    expect(await metric(mr, 'mailroom_scanner_available', { scanner: 'spamd' })).toBe(0);
    const { body } = await api<{ scanners: ScannerStatus[] }>(mr, '/api/v1/server');
    for (const s of body.scanners) expect(s).toMatchObject({ reachable: false, circuit: 'open', circuitOpenedAt: expect.any(String) });
  });

  it('closes the circuits once a background probe gets an answer, and scans again', async () => {
    clamdStandIn.forward();
    spamdStandIn.forward();
    // Scrapes do not probe: only the breaker's own probe (backoff up to 30 s) can close the circuits.
    await waitFor(
      async () => [await metric(mr, 'mailroom_scanner_available', { scanner: 'clamd' }), await metric(mr, 'mailroom_scanner_available', { scanner: 'spamd' })],
      (v) => v.every((x) => x === 1),
      45_000,
      'both circuits to close',
    );
    expect(await mx(eicarMail())).toMatchObject({ code: 554, message: expect.stringMatching(/^5\.7\.1 Message rejected: virus found/) });
    expect(await mx(gtubeMail())).toMatchObject({ code: 554, message: '5.7.1 Message rejected as spam' });
    const { body } = await api<{ scanners: ScannerStatus[] }>(mr, '/api/v1/server');
    for (const s of body.scanners) expect(s).toMatchObject({ reachable: true, circuit: 'closed' });
  });
});
