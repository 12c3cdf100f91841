// A message larger than clamd's StreamMaxLength, with a real clamd limited to 1 MiB and real mailroom
// processes that believe the limit is the default 25M: clamd cuts the stream off, and the message gets the
// configured outcome (scan.too_large_action: accepted without a virus scan, or refused with 552 5.3.4)
// within seconds, never a hang. Mail under the limit is still scanned on the same servers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdProcess, eicarMail } from './helpers/clamd.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import type { MailroomProcess } from './helpers/mailroom.ts';
import { logLines, metric, scanServer, smtpSend } from './helpers/scan-mail.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';

const haveClamd = requireScannerDaemons('clamd');
const CLAMD_LIMIT = 1024 * 1024;
let clamd: ClamdProcess;
const servers: MailroomProcess[] = [];

/** About 2 MiB of base64-looking text lines: twice clamd's limit, far under smtp.max_message_size_bytes. */
function largeMail(): Buffer {
  const line = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3';
  const body = Array.from({ length: Math.ceil((2 * CLAMD_LIMIT) / (line.length + 2)) }, () => line).join('\r\n');
  return Buffer.from(`From: sender@remote.test\r\nTo: alice@example.test\r\nSubject: the big scan\r\n\r\n${body}\r\n`);
}

const mx = (mr: MailroomProcess, content: Buffer) => smtpSend({ port: mr.ports.smtp, from: 'sender@remote.test', to: 'alice@example.test', content });

beforeAll(async () => {
  if (!haveClamd) return;
  clamd = await ClamdProcess.start({ streamMaxBytes: CLAMD_LIMIT });
});

afterAll(async () => {
  await Promise.all(servers.map((mr) => mr.stop()));
  servers.forEach((mr) => mr.cleanup());
  await clamd?.cleanup();
});

describe.skipIf(!haveClamd)('a message over clamd StreamMaxLength', () => {
  it('is accepted without a virus scan by default, promptly, and said so in the log', async () => {
    const mr = await scanServer({ MAILROOM_CLAMD: clamd.tcpUrl });
    servers.push(mr);
    const big = largeMail();
    expect(big.length).toBeGreaterThan(2 * CLAMD_LIMIT);
    const out = await mx(mr, big);
    expect(out.code).toBe(250);
    expect(out.seconds).toBeLessThan(20);
    const [mail] = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length === 1,
      15_000,
      'large delivery',
    );
    expect(mail!.content).toContain('Subject: the big scan');
    expect(logLines(mr, 'message too large for the virus check').pop()).toMatchObject({ check: 'virus', bytes: expect.any(Number) });
    // Too large is not the scanner failing: no error counted, no warning.
    expect(await metric(mr, 'mailroom_scan_errors_total', { scanner: 'clamd' })).toBe(0);
    expect((await mx(mr, eicarMail())).code).toBe(554);
  });

  it('is refused with 552 5.3.4 when scan.too_large_action = reject, promptly; smaller mail is still scanned', async () => {
    const mr = await scanServer({ MAILROOM_CLAMD: clamd.tcpUrl, MAILROOM_SCAN_TOO_LARGE_ACTION: 'reject' });
    servers.push(mr);
    for (let i = 0; i < 3; i++) {
      const out = await mx(mr, largeMail());
      expect(out).toMatchObject({ code: 552, message: '5.3.4 Message too large to be scanned for viruses' });
      expect(out.seconds).toBeLessThan(20);
    }
    expect(await metric(mr, 'mailroom_smtp_rejections_total', { reason: 'too_big' })).toBe(3);
    expect((await mx(mr, eicarMail())).code).toBe(554);
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(1);
    expect(mailboxContents(mr.dataDir, 'alice@example.test')).toEqual([]);
  });
});
