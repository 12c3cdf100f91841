// Mail to local accounts with real clients: Python's smtplib (submission with STARTTLS and AUTH) and
// swaks (MX), into the account's INBOX with a Received header; unknown users get 550 5.1.1.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
let mr: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create();
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-secret');
  await mr.cli('account', 'add', 'bob@example.test', '--password', 'bob-secret');
  await mr.cli('alias', 'add', 'info@example.test', 'bob@example.test');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('local delivery', () => {
  it('accepts submission with STARTTLS and AUTH from smtplib and files it in INBOX with a Received header', async () => {
    const out = await python(
      `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
assert s.has_extn('starttls'), s.esmtp_features
s.starttls(context=ctx)
s.ehlo('client.test')
s.login('alice@example.test', 'alice-secret')
msg = 'From: alice@example.test\\r\\nTo: bob@example.test\\r\\nSubject: hello via submission\\r\\n\\r\\nBody line\\r\\n'
refused = s.sendmail('alice@example.test', ['bob@example.test'], msg)
print('refused', refused)
code, resp = s.quit()
print('quit', code)
`,
      { PORT: String(mr.ports.submission) },
    );
    expect(out).toContain('refused {}');
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@example.test'),
      (m) => m.length === 1,
      10_000,
      'delivery to bob',
    );
    expect(mail[0]!.content).toMatch(/^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\tby mx\.mailroom\.test \(Mailroom\) with ESMTPSA id [0-9A-Z]+/);
    expect(mail[0]!.content).toContain('Subject: hello via submission');
  });

  it('refuses AUTH with a wrong password with 535 5.7.8', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
try:
    s.login('alice@example.test', 'wrong')
except smtplib.SMTPAuthenticationError as e:
    print('auth', e.smtp_code, e.smtp_error.decode())
`,
      { PORT: String(mr.ports.submission) },
    );
    expect(out).toMatch(/^auth 535 5\.7\.8 /m);
  });

  it('requires AUTH on submission before MAIL FROM', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
code, resp = s.mail('alice@example.test')
print('mail', code, resp.decode())
`,
      { PORT: String(mr.ports.submission) },
    );
    expect(out).toMatch(/^mail 530 /m);
  });

  it('delivers mail from swaks on the MX listener, also through an alias', async () => {
    if (!requireCommand('swaks', 'SMTP client for the MX test')) return;
    const { stdout } = await run('swaks', ['--server', `127.0.0.1:${mr.ports.smtp}`, '--from', 'someone@remote.test', '--to', 'info@example.test', '--header', 'Subject: via swaks', '--body', 'hi'], {
      timeout: 30_000,
    });
    expect(stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as [0-9A-Z]+/);
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'bob@example.test'),
      (m) => m.some((x) => x.content.includes('Subject: via swaks')),
      10_000,
      'alias delivery',
    );
    expect(mail.find((x) => x.content.includes('via swaks'))!.content).toMatch(/^Received: from .+\r\n\tby mx\.mailroom\.test \(Mailroom\) with ESMTP id /);
  });

  it('answers 550 5.1.1 for an unknown local user', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
s.mail('someone@remote.test')
code, resp = s.rcpt('nobody@example.test')
print('rcpt', code, resp.decode())
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toMatch(/^rcpt 550 5\.1\.1 <nobody@example\.test>/m);
  });
});
