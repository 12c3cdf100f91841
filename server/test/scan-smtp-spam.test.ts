// Spam scoring end to end: a real spamd (shipped rules, no network tests) and the real mailroom process,
// one per spam setting. GTUBE (score 1000) is refused at the default reject score, tagged with X-Spam-*
// headers and the subject prefix, filed for Junk, or deleted, per setting; mailroom_spam_detected_total
// rises with the action taken (past the processed count when spam is refused); the detection is logged
// with score and rules; ham is not tagged; authenticated submission gets the virus check only by default.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import type { MailroomProcess } from './helpers/mailroom.ts';
import { api, logLines, metric, scanServer, smtpSend } from './helpers/scan-mail.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { gtubeMail, hamMail, SpamdProcess } from './helpers/spamd.ts';

/** What alice submits must name her in From (submission.from_policy=own). */
const fromAlice = (mail: Buffer) => Buffer.from(mail.toString('latin1').replace('From: sender@remote.test', 'From: alice@example.test'), 'latin1');

const haveSpamd = requireScannerDaemons('spamd');
let spamd: SpamdProcess;
const servers: MailroomProcess[] = [];

async function server(env: Record<string, string>): Promise<MailroomProcess> {
  const mr = await scanServer({ MAILROOM_SPAMD: spamd.address, ...env });
  servers.push(mr);
  return mr;
}

const mx = (mr: MailroomProcess, content: Buffer, to = 'alice@example.test') => smtpSend({ port: mr.ports.smtp, from: 'sender@remote.test', to, content });
const header = async (raw: string, name: string) => (await simpleParser(raw)).headers.get(name);

beforeAll(async () => {
  if (!haveSpamd) return;
  spamd = await SpamdProcess.start();
});

afterAll(async () => {
  await Promise.all(servers.map((mr) => mr.stop()));
  servers.forEach((mr) => mr.cleanup());
  await spamd?.cleanup();
});

describe.skipIf(!haveSpamd)('defaults: spam from 5 to Junk, from 20 refused', () => {
  let mr: MailroomProcess;
  beforeAll(async () => {
    mr = await server({});
  });

  it('refuses GTUBE with 554 5.7.1; the spam count rises while the processed count does not', async () => {
    const out = await mx(mr, gtubeMail());
    expect(out).toEqual({ code: 554, message: '5.7.1 Message rejected as spam', seconds: expect.any(Number) });
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'reject' })).toBe(1);
    expect(await metric(mr, 'mailroom_smtp_rejections_total', { reason: 'spam' })).toBe(1);
    expect(await metric(mr, 'mailroom_messages_processed_total', { source: 'smtp' })).toBe(0);
    const line = logLines(mr, 'spam found; message refused').pop();
    expect(line).toMatchObject({ action: 'reject', score: expect.any(Number), rules: expect.arrayContaining(['GTUBE']), source: 'smtp' });
    expect(line!.score as number).toBeGreaterThanOrEqual(1000);
    expect(mailboxContents(mr.dataDir, 'alice@example.test')).toEqual([]);
  });

  it('delivers ham to INBOX without the spam flag or a prefix, labelled X-Spam-Status: No', async () => {
    expect((await mx(mr, hamMail())).code).toBe(250);
    const [mail] = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length === 1,
      10_000,
      'ham delivery',
    );
    expect(await header(mail!.content, 'x-spam-flag')).toBeUndefined();
    expect(await header(mail!.content, 'subject')).toBe('Lunch on Thursday');
    expect(String(await header(mail!.content, 'x-spam-status'))).toMatch(/^No, score=-?\d+\.\d required=5\.0 /);
    expect(mailboxContents(mr.dataDir, 'alice@example.test', 'Junk')).toEqual([]);
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'junk' })).toBe(0);
  });

  it('refuses GTUBE injected through the API with 422', async () => {
    const res = await api(mr, '/api/v1/messages', { method: 'POST', body: { from: 'ops@remote.test', to: ['bob@example.test'], rawBase64: gtubeMail().toString('base64') } });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'message_rejected', message: '5.7.1 Message rejected as spam' } } });
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'reject' })).toBe(2);
  });

  it('checks an authenticated user only for viruses by default: GTUBE on submission goes through unscored', async () => {
    const out = await smtpSend({
      port: mr.ports.submission,
      from: 'alice@example.test',
      to: 'bob@example.test',
      content: fromAlice(gtubeMail()),
      login: { user: 'alice@example.test', pass: 'alice-secret' },
    });
    expect(out.code).toBe(250);
    const [mail] = await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@example.test'),
      (m) => m.length === 1,
      10_000,
      'submission delivery',
    );
    expect(await header(mail!.content, 'x-spam-status')).toBeUndefined();
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'reject' })).toBe(2);
  });
});

describe.skipIf(!haveSpamd)('scan.spam_action = tag, reject score off, subject prefix [SPAM]', () => {
  it('delivers GTUBE to INBOX with X-Spam-Flag, score, status with rules and the prefixed subject; ham stays untagged', async () => {
    const mr = await server({ MAILROOM_SCAN_SPAM_ACTION: 'tag', MAILROOM_SCAN_SPAM_REJECT_SCORE: 'off', MAILROOM_SCAN_SPAM_SUBJECT_PREFIX: '[SPAM]' });
    expect((await mx(mr, gtubeMail())).code).toBe(250);
    expect((await mx(mr, hamMail())).code).toBe(250);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length === 2,
      10_000,
      'two deliveries',
    );
    const spam = await simpleParser(mail[0]!.content);
    expect(spam.subject).toBe('[SPAM] test');
    expect(spam.headers.get('x-spam-flag')).toBe('YES');
    expect(Number(spam.headers.get('x-spam-score'))).toBeGreaterThanOrEqual(1000);
    expect(String(spam.headers.get('x-spam-status'))).toMatch(/^Yes, score=\d+\.\d required=5\.0 tests=.*GTUBE/);
    const ham = await simpleParser(mail[1]!.content);
    expect(ham.subject).toBe('Lunch on Thursday');
    expect(ham.headers.has('x-spam-flag')).toBe(false);
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'tag' })).toBe(1);
    expect(await metric(mr, 'mailroom_messages_processed_total', { source: 'smtp' })).toBe(2);
    expect(logLines(mr, 'spam found; delivered tagged').pop()).toMatchObject({ action: 'tag', rules: expect.arrayContaining(['GTUBE']) });
  });
});

describe.skipIf(!haveSpamd)('scan.spam_action = junk, reject score off', () => {
  let mr: MailroomProcess;
  beforeAll(async () => {
    mr = await server({ MAILROOM_SCAN_SPAM_REJECT_SCORE: 'off' });
  });

  it('accepts GTUBE tagged for the Junk folder and counts it as junk', async () => {
    expect((await mx(mr, gtubeMail())).code).toBe(250);
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'junk' })).toBe(1);
    expect(logLines(mr, 'spam found; delivered tagged').pop()).toMatchObject({ action: 'junk' });
    const stored = await waitFor(
      () => [...mailboxContents(mr.dataDir, 'alice@example.test'), ...mailboxContents(mr.dataDir, 'alice@example.test', 'Junk')],
      (m) => m.length === 1,
      10_000,
      'delivery to alice',
    );
    expect(await header(stored[0]!.content, 'x-spam-flag')).toBe('YES');
  });

  // Expected to fail until local filing honours NewRecipient.folder (store/sqlite/accept-batch.ts and
  // filing.ts belong to the queue work in progress): the message above lands in INBOX, tagged. Turn this
  // into `it` once filing follows the folder.
  it('files GTUBE in the Junk folder, not in INBOX', async () => {
    await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test', 'Junk'),
      (m) => m.length === 1,
      3_000,
      'delivery to Junk',
    );
    expect(mailboxContents(mr.dataDir, 'alice@example.test')).toEqual([]);
  });
});

describe.skipIf(!haveSpamd)('scan.spam_action = delete', () => {
  it('accepts GTUBE with 250 and delivers it nowhere; ham still arrives', async () => {
    const mr = await server({ MAILROOM_SCAN_SPAM_ACTION: 'delete', MAILROOM_SCAN_SPAM_REJECT_SCORE: 'off' });
    expect((await mx(mr, gtubeMail())).code).toBe(250);
    expect(await metric(mr, 'mailroom_spam_detected_total', { action: 'delete' })).toBe(1);
    expect((await mx(mr, hamMail())).code).toBe(250);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length >= 1,
      10_000,
      'ham delivery',
    );
    expect(mail.map((m) => m.content.includes('Subject: Lunch on Thursday'))).toEqual([true]);
    expect(mailboxContents(mr.dataDir, 'alice@example.test', 'Junk')).toEqual([]);
    expect(await metric(mr, 'mailroom_messages_processed_total', { source: 'smtp' })).toBe(2);
  });
});
