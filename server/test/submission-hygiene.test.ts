// RFC 6409 section 8 on submission, with Python's smtplib: an authenticated user's From header must be one
// of their addresses (their own, or an alias leading to it) under submission.from_policy=own, else 550
// 5.7.1; a missing Date and Message-ID (and From) are added; mail from strangers on the MX is untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents } from './helpers/mailbox.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('alice@example.test', 'alice-secret');
  await stack.addAccount('bob@example.test', 'bob-secret');
  await stack.store.addAlias('sales@example.test', 'alice@example.test');
});
afterAll(() => stack?.stop());

const SEND = `
import smtplib, os
def submit(sender, headers, port='SUBMISSION', login=True):
    s = smtplib.SMTP('127.0.0.1', int(os.environ[port]), timeout=10)
    if login: s.login('alice@example.test', 'alice-secret')
    try:
        s.sendmail(sender, ['bob@example.test'], headers + '\\r\\n\\r\\nbody\\r\\n')
        print('sent')
    except smtplib.SMTPDataError as e:
        print('refused', e.smtp_code, e.smtp_error.decode())
    s.quit()
submit('alice@example.test', 'From: Alice <alice@example.test>\\r\\nSubject: one')
submit('alice@example.test', 'From: Bob <bob@example.test>\\r\\nSubject: two')
submit('sales@example.test', 'From: sales@example.test\\r\\nSubject: three\\r\\nDate: Thu, 3 Dec 2026 09:00:00 +0000\\r\\nMessage-ID: <kept@example.test>')
submit('alice@example.test', 'Subject: four')
submit('someone@remote.test', 'Subject: five', port='SMTP', login=False)
`;

describe('submission hygiene', () => {
  it('refuses a From that is not the user’s, adds missing Date and Message-ID, leaves MX mail alone', async () => {
    const out = await python(SEND, { SUBMISSION: String(stack.ports.submission), SMTP: String(stack.ports.smtp) });
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('sent');
    expect(lines[1]).toBe('refused 550 5.7.1 From: header address <bob@example.test> is not an address of user alice@example.test');
    expect(lines.slice(2)).toEqual(['sent', 'sent', 'sent']);

    const inbox = mailboxContents(stack.dataDir, 'bob@example.test').map((m) => m.content.toString());
    const bySubject = (s: string) => inbox.find((m) => m.includes(`Subject: ${s}\r\n`))!;
    expect(inbox.some((m) => m.includes('Subject: two'))).toBe(false);
    expect(bySubject('one')).toMatch(/^Date: \w{3}, \d+ \w{3} \d{4} \d\d:\d\d:\d\d \+0000\r$/m);
    expect(bySubject('one')).toMatch(/^Message-ID: <[^@\s>]+@[^>\s]+>\r$/m);
    // Present fields are kept, not doubled.
    expect(bySubject('three').match(/^Date:/gm)).toHaveLength(1);
    expect(bySubject('three')).toContain('Message-ID: <kept@example.test>');
    // No From at all: the envelope sender's.
    expect(bySubject('four')).toContain('From: <alice@example.test>\r\n');
    // The MX does not rewrite strangers' mail.
    expect(bySubject('five')).not.toMatch(/^(Date|Message-ID|From):/m);
  });
});
