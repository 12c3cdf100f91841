// Sub-addressing (RFC 5233) with real clients: mail for bob+tag@ reaches bob (Python's smtplib on the MX),
// filed into the folder named by the tag when delivery.file_by_tag is on and bob has it (created over IMAP),
// INBOX otherwise; an account or alias with the whole address wins; aliases are followed from the base; with
// delivery.recipient_delimiter=off the tagged address is unknown (550 5.1.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withImap } from './helpers/imap-read.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { python } from './helpers/python.ts';

/** Sends one message with smtplib and prints the refused recipients (with their reply) as JSON. */
async function smtplibSend(port: number, to: string[], subject: string): Promise<Record<string, [number, string]>> {
  const out = await python(
    `
import json, os, smtplib
to = json.loads(os.environ['TO'])
msg = 'From: x@remote.test\\r\\nTo: ' + ', '.join(to) + '\\r\\nSubject: ' + os.environ['SUBJECT'] + '\\r\\n\\r\\nHello.\\r\\n'
with smtplib.SMTP('127.0.0.1', int(os.environ['PORT'])) as s:
    try:
        refused = s.sendmail('x@remote.test', to, msg)
    except smtplib.SMTPRecipientsRefused as e:
        refused = e.recipients
print(json.dumps({k: [v[0], v[1].decode()] for k, v in refused.items()}))
`,
    { PORT: String(port), TO: JSON.stringify(to), SUBJECT: subject },
  );
  return JSON.parse(out) as Record<string, [number, string]>;
}

const delivered = (mr: MailroomProcess, address: string, folder: string, subject: string) =>
  waitFor(
    () => mailboxContents(mr.dataDir, address, folder).filter((m) => m.content.includes(`Subject: ${subject}\r\n`)),
    (m) => m.length === 1,
    10_000,
    `"${subject}" in ${address} ${folder}`,
  );

describe('sub-addressing', () => {
  let tagged: MailroomProcess;
  let off: MailroomProcess;

  beforeAll(async () => {
    tagged = await MailroomProcess.create({ env: { MAILROOM_DELIVERY_FILE_BY_TAG: 'true' } });
    off = await MailroomProcess.create({ env: { MAILROOM_DELIVERY_RECIPIENT_DELIMITER: 'off' } });
    for (const mr of [tagged, off]) {
      await mr.cli('domain', 'add', 'example.test');
      await mr.cli('account', 'add', 'bob@example.test', '--password', 'bob pw');
      await mr.cli('account', 'add', 'carol+x@example.test', '--password', 'carol pw');
      await mr.cli('alias', 'add', 'sales@example.test', 'bob@example.test');
      await mr.start();
    }
    await withImap(tagged.ports.imap, 'bob@example.test', 'bob pw', (client) => client.mailboxCreate('lists'));
  }, 60_000);

  afterAll(async () => {
    for (const mr of [tagged, off]) {
      await mr?.stop();
      mr?.cleanup();
    }
  });

  it('bob+lists@ is filed into bob\'s folder "lists"; a tag with no such folder goes to INBOX', async () => {
    expect(await smtplibSend(tagged.ports.smtp, ['bob+lists@example.test'], 'to lists')).toEqual({});
    await delivered(tagged, 'bob@example.test', 'lists', 'to lists');
    expect(await smtplibSend(tagged.ports.smtp, ['bob+nothing@example.test'], 'to nothing')).toEqual({});
    await delivered(tagged, 'bob@example.test', 'INBOX', 'to nothing');
  });

  it('an account with the whole address wins; an alias is followed from the base address', async () => {
    expect(await smtplibSend(tagged.ports.smtp, ['carol+x@example.test', 'sales+q3@example.test'], 'exact and alias')).toEqual({});
    await delivered(tagged, 'carol+x@example.test', 'INBOX', 'exact and alias');
    await delivered(tagged, 'bob@example.test', 'INBOX', 'exact and alias');
  });

  it('an empty tag or base, or an unknown base, is an unknown user', async () => {
    const refused = await smtplibSend(tagged.ports.smtp, ['bob+@example.test', '+lists@example.test', 'nobody+lists@example.test'], 'bad');
    expect(Object.keys(refused).sort()).toEqual(['+lists@example.test', 'bob+@example.test', 'nobody+lists@example.test']);
    for (const [code, text] of Object.values(refused)) expect(`${code} ${text}`).toMatch(/^550 5\.1\.1 /);
  });

  it('with delivery.recipient_delimiter=off, bob+lists@ is unknown (550 5.1.1) and bob@ still works', async () => {
    const refused = await smtplibSend(off.ports.smtp, ['bob+lists@example.test', 'bob@example.test'], 'delimiter off');
    expect(Object.keys(refused)).toEqual(['bob+lists@example.test']);
    expect(refused['bob+lists@example.test']![0]).toBe(550);
    await delivered(off, 'bob@example.test', 'INBOX', 'delimiter off');
  });
});
