// Virus scanning end to end: a real clamd (EICAR signature database written by the helper) and the real
// mailroom process, one per scan.virus_action. The EICAR test file travels as an attachment from swaks and
// from smtplib on the MX listener, from an authenticated user on submission and through API injection; it
// is refused (554 5.7.1), deleted (250, never delivered) or quarantined (250, listed, shown, released to its
// recipient, deleted) per setting, mailroom_viruses_detected_total rises by one each time, the detection is
// logged with the virus name, and clean mail passes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClamdProcess, EICAR_SIGNATURE, eicar, eicarMail } from './helpers/clamd.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import type { MailroomProcess } from './helpers/mailroom.ts';
import { api, cleanAttachmentMail, logLines, metric, scanServer, smtpSend } from './helpers/scan-mail.ts';
import { requireScannerDaemons } from './helpers/scanner-daemons.ts';
import { requireCommand } from './helpers/tools.ts';

/** What alice submits must name her in From (submission.from_policy=own). */
const fromAlice = (mail: Buffer) => Buffer.from(mail.toString('latin1').replace('From: sender@remote.test', 'From: alice@example.test'), 'latin1');

const run = promisify(execFile);
const haveTools = requireScannerDaemons('clamd') && requireCommand('swaks', 'SMTP client for the scanning tests');
const EICAR_FOUND = new RegExp(`^${EICAR_SIGNATURE.replace(/\./g, '\\.')}(\\.UNOFFICIAL)?$`);

let clamd: ClamdProcess;
const servers: MailroomProcess[] = [];
let attachmentDir: string;

async function server(action: 'reject' | 'delete' | 'quarantine'): Promise<MailroomProcess> {
  const mr = await scanServer({ MAILROOM_CLAMD: clamd.tcpUrl, MAILROOM_SCAN_VIRUS_ACTION: action });
  servers.push(mr);
  return mr;
}

/** swaks builds the MIME itself: EICAR as a base64 attachment, as a user's mail client would send it. */
async function swaksEicar(mr: MailroomProcess, to = 'alice@example.test'): Promise<string> {
  const file = path.join(attachmentDir, 'invoice.com');
  fs.writeFileSync(file, eicar());
  const { stdout } = await run(
    'swaks',
    ['--server', `127.0.0.1:${mr.ports.smtp}`, '--from', 'someone@remote.test', '--to', to, '--header', 'Subject: your invoice', '--attach-type', 'application/octet-stream', '--attach', `@${file}`],
    { timeout: 60_000 },
  ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' })); // swaks exits non-zero on a refusal
  return stdout;
}

beforeAll(async () => {
  if (!haveTools) return;
  attachmentDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-scan-attach-'));
  clamd = await ClamdProcess.start();
});

afterAll(async () => {
  await Promise.all(servers.map((mr) => mr.stop()));
  servers.forEach((mr) => mr.cleanup());
  await clamd?.cleanup();
  if (attachmentDir) fs.rmSync(attachmentDir, { recursive: true, force: true });
});

describe.skipIf(!haveTools)('scan.virus_action = reject (the default)', () => {
  let mr: MailroomProcess;
  beforeAll(async () => {
    mr = await scanServer({ MAILROOM_CLAMD: clamd.tcpUrl });
    servers.push(mr);
  });

  it('refuses EICAR from swaks in the SMTP session with 554 5.7.1, counts it, and logs the virus name', async () => {
    const before = await metric(mr, 'mailroom_viruses_detected_total');
    const out = await swaksEicar(mr);
    expect(out).toMatch(/<\*\* 554 5\.7\.1 Message rejected: virus found \(Mailroom\.Test\.EICAR/);
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(before + 1);
    expect(await metric(mr, 'mailroom_smtp_rejections_total', { reason: 'virus' })).toBe(1);
    expect(mailboxContents(mr.dataDir, 'alice@example.test')).toEqual([]);
    const line = logLines(mr, 'virus found; message refused').pop();
    expect(line).toMatchObject({ level: 40, action: 'reject', source: 'smtp', queueId: expect.any(String) });
    expect(String(line!.virus)).toMatch(EICAR_FOUND);
  });

  it('refuses it again from smtplib, one more count per message', async () => {
    const before = await metric(mr, 'mailroom_viruses_detected_total');
    const out = await smtpSend({ port: mr.ports.smtp, from: 'someone@remote.test', to: 'bob@example.test', content: eicarMail() });
    expect(out).toMatchObject({ code: 554, message: expect.stringMatching(/^5\.7\.1 Message rejected: virus found/) });
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(before + 1);
  });

  it('delivers a clean message with an attachment, and counts no virus', async () => {
    const before = await metric(mr, 'mailroom_viruses_detected_total');
    const out = await smtpSend({ port: mr.ports.smtp, from: 'someone@remote.test', to: 'alice@example.test', content: cleanAttachmentMail() });
    expect(out).toMatchObject({ code: 250, message: expect.stringMatching(/^2\.0\.0 Ok: queued as /) });
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length === 1,
      10_000,
      'clean delivery',
    );
    expect(mail[0]!.content).toContain('Subject: the clean report');
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(before);
  });

  it('scans what an authenticated user submits (scan.authenticated = virus by default)', async () => {
    const before = await metric(mr, 'mailroom_viruses_detected_total');
    const out = await smtpSend({
      port: mr.ports.submission,
      from: 'alice@example.test',
      to: 'bob@example.test',
      content: fromAlice(eicarMail()),
      login: { user: 'alice@example.test', pass: 'alice-secret' },
    });
    expect(out).toMatchObject({ code: 554, message: expect.stringMatching(/^5\.7\.1 /) });
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(before + 1);
  });

  it('refuses EICAR injected through the API with 422, and counts it', async () => {
    const before = await metric(mr, 'mailroom_viruses_detected_total');
    const res = await api<{ error: { code: string; message: string } }>(mr, '/api/v1/messages', {
      method: 'POST',
      body: { from: 'ops@remote.test', to: ['alice@example.test'], rawBase64: eicarMail().toString('base64') },
    });
    expect(res).toMatchObject({ status: 422, body: { error: { code: 'message_rejected', message: expect.stringMatching(/^5\.7\.1 Message rejected: virus found/) } } });
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(before + 1);
    expect((await api<{ total: number }>(mr, '/api/v1/queue')).body.total).toBe(0);
  });
});

describe.skipIf(!haveTools)('scan.virus_action = delete', () => {
  it('accepts EICAR with 250 and drops it: counted as processed and as a virus, delivered nowhere', async () => {
    const mr = await server('delete');
    const out = await swaksEicar(mr);
    expect(out).toMatch(/<- {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(1);
    expect(await metric(mr, 'mailroom_messages_processed_total', { source: 'smtp' })).toBe(1);
    expect(String(logLines(mr, 'virus found; message deleted').pop()?.virus)).toMatch(EICAR_FOUND);

    expect((await smtpSend({ port: mr.ports.smtp, from: 'someone@remote.test', to: 'alice@example.test', content: eicarMail() })).code).toBe(250);
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(2);

    expect((await smtpSend({ port: mr.ports.smtp, from: 'someone@remote.test', to: 'alice@example.test', content: cleanAttachmentMail() })).code).toBe(250);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'alice@example.test'),
      (m) => m.length >= 1,
      10_000,
      'clean delivery',
    );
    expect(mail.map((m) => m.content.includes('Subject: the clean report'))).toEqual([true]);
    expect((await api<{ total: number }>(mr, '/api/v1/queue')).body.total).toBe(0);
    expect((await api<{ total: number }>(mr, '/api/v1/quarantine')).body.total).toBe(0);
  });
});

describe.skipIf(!haveTools)('scan.virus_action = quarantine', () => {
  let mr: MailroomProcess;
  beforeAll(async () => {
    mr = await server('quarantine');
  });

  it('accepts EICAR with 250, keeps it out of the mailbox, and lists it with the virus name', async () => {
    const out = await swaksEicar(mr, 'bob@example.test');
    const id = /queued as ([0-9A-Z]+)/.exec(out)?.[1];
    expect(id).toBeDefined();
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(1);
    expect(mailboxContents(mr.dataDir, 'bob@example.test')).toEqual([]);

    const list = await api<{ total: number; items: Array<Record<string, unknown>> }>(mr, '/api/v1/quarantine');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ id, from: 'someone@remote.test', to: ['bob@example.test'], source: 'smtp', reason: 'virus', clientAddress: '127.0.0.1' });
    expect(String(list.body.items[0]!.virus)).toMatch(EICAR_FOUND);

    const one = await api<Record<string, unknown>>(mr, `/api/v1/quarantine/${id}`);
    expect(one.body).toEqual(list.body.items[0]);
    const content = await api<string>(mr, `/api/v1/quarantine/${id}/content`);
    expect(content.body).toMatch(/^Received: from .+\r\n\tby mx\.mailroom\.test \(Mailroom\) with ESMTP id /);
    expect(content.body).toContain('Subject: your invoice');
    const parsed = await api<{ subject: string; attachments: Array<{ filename: string }> }>(mr, `/api/v1/quarantine/${id}/content?format=parsed`);
    expect(parsed.body.subject).toBe('your invoice');
    expect(parsed.body.attachments.map((a) => a.filename)).toEqual(['invoice.com']);
    expect(String(logLines(mr, 'virus found; message quarantined').pop()?.virus)).toMatch(EICAR_FOUND);
  });

  it('releases a quarantined message to its original recipient, without scanning it again', async () => {
    const { body } = await api<{ items: Array<{ id: string }> }>(mr, '/api/v1/quarantine');
    const id = body.items[0]!.id;
    const released = await api(mr, `/api/v1/quarantine/${id}/release`, { method: 'POST' });
    expect(released).toEqual({ status: 200, body: { id, released: true, queued: true } });
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@example.test'),
      (m) => m.length === 1,
      15_000,
      'released delivery',
    );
    expect(mail[0]!.content).toContain(`with ESMTP id ${id}`);
    expect(mail[0]!.content).toContain(eicar().toString('base64').slice(0, 40));
    expect((await api<{ total: number }>(mr, '/api/v1/quarantine')).body.total).toBe(0);
    expect((await api(mr, `/api/v1/quarantine/${id}/release`, { method: 'POST' })).status).toBe(404);
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(1);
  });

  it('deletes a quarantined message for good, and quarantines injected mail too', async () => {
    const injected = await api<{ id: string; outcome: string }>(mr, '/api/v1/messages', {
      method: 'POST',
      body: { from: 'ops@remote.test', to: ['alice@example.test'], rawBase64: eicarMail().toString('base64') },
    });
    expect(injected).toMatchObject({ status: 201, body: { outcome: 'quarantined' } });
    expect(await metric(mr, 'mailroom_viruses_detected_total')).toBe(2);
    const { body } = await api<{ total: number; items: Array<{ id: string; source: string }> }>(mr, '/api/v1/quarantine');
    expect(body.items).toMatchObject([{ id: injected.body.id, source: 'api' }]);
    expect((await api(mr, `/api/v1/quarantine/${injected.body.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(mr, `/api/v1/quarantine/${injected.body.id}`)).status).toBe(404);
    expect((await api<{ total: number }>(mr, '/api/v1/quarantine')).body.total).toBe(0);
    expect(mailboxContents(mr.dataDir, 'alice@example.test')).toEqual([]);
  });
});
