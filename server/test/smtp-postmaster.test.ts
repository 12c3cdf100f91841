// RFC 5321 4.5.1: postmaster@ every local domain, and the bare "RCPT TO:<postmaster>", are accepted.
// A domain's own postmaster account or alias wins; otherwise the `postmaster` setting says where it goes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { SmtpDialogue } from './helpers/smtp-dialogue.ts';

let mr: MailroomProcess;
let unconfigured: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create({ env: { MAILROOM_POSTMASTER: 'admin@example.test' } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('domain', 'add', 'other.test');
  await mr.cli('account', 'add', 'admin@example.test', '--password', 'admin-secret');
  await mr.cli('account', 'add', 'carol@other.test', '--password', 'carol-secret');
  await mr.cli('alias', 'add', 'postmaster@other.test', 'carol@other.test');
  await mr.start();
  unconfigured = await MailroomProcess.create();
  await unconfigured.start();
});

afterAll(async () => {
  await mr?.stop();
  await unconfigured?.stop();
  mr?.cleanup();
  unconfigured?.cleanup();
});

async function rcptReplies(port: number, recipients: string[]): Promise<string[]> {
  const smtp = await SmtpDialogue.open(port);
  await smtp.command('EHLO client.test');
  await smtp.command('MAIL FROM:<someone@remote.test>');
  const replies: string[] = [];
  for (const r of recipients) replies.push(await smtp.command(`RCPT TO:<${r}>`));
  smtp.close();
  return replies;
}

describe('postmaster', () => {
  it('accepts the bare postmaster and postmaster@ a local domain in any case, and delivers them to the setting', async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
s.ehlo('client.test')
s.mail('someone@remote.test')
for rcpt in ('postmaster', 'PostMaster@EXAMPLE.test'):
    code, msg = s.rcpt(rcpt); print('rcpt', rcpt, code, msg.decode())
code, msg = s.data('Subject: to the postmaster\\r\\n\\r\\nhello\\r\\n'); print('data', code)
s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('rcpt postmaster 250');
    expect(out).toContain('rcpt PostMaster@EXAMPLE.test 250');
    expect(out).toContain('data 250');
    const mail = await waitFor(
      () => mailboxContents(mr.dataDir, 'admin@example.test'),
      (m) => m.some((x) => x.content.includes('to the postmaster')),
      10_000,
      'postmaster delivery',
    );
    // Both recipients lead to one mailbox: delivered once.
    expect(mail.filter((x) => x.content.includes('to the postmaster'))).toHaveLength(1);
  });

  it("uses a domain's own postmaster alias instead of the setting", async () => {
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
print('refused', s.sendmail('someone@remote.test', ['postmaster@other.test'], 'Subject: other postmaster\\r\\n\\r\\nhi\\r\\n'))
s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(out).toContain('refused {}');
    await waitFor(
      () => mailboxContents(mr.dataDir, 'carol@other.test'),
      (m) => m.some((x) => x.content.includes('other postmaster')),
      10_000,
      'alias postmaster delivery',
    );
    expect(mailboxContents(mr.dataDir, 'admin@example.test').filter((x) => x.content.includes('other postmaster'))).toEqual([]);
  });

  it('is no way to relay: postmaster@ a foreign domain is refused', async () => {
    expect(await rcptReplies(mr.ports.smtp, ['postmaster@foreign.test'])).toEqual(['554 5.7.1 <postmaster@foreign.test>: Relay access denied']);
  });

  it('without the setting, postmaster is refused as an unknown user', async () => {
    expect(await rcptReplies(unconfigured.ports.smtp, ['postmaster'])).toEqual(['550 5.1.1 <postmaster>: Recipient address rejected: User unknown']);
  });
});
