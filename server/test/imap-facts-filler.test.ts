// The background facts filler (src/imap/facts-filler.ts): mail delivered by SMTP (Python's smtplib) and
// mail stored before the filler ran get their IMAP facts without any IMAP session asking, and what
// imaplib then fetches is what parsing the message renders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACTS_VERSION, renderFacts } from '../src/imap/stored-facts.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { waitFor } from './helpers/mailbox.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;
let inboxId: number;

beforeAll(async () => {
  stack = await MailStack.start();
  const account = await stack.addAccount('gus@example.test', 'gus-pw');
  inboxId = (await stack.store.findMailbox(account, 'INBOX'))!.id;
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP facts computed in the background', () => {
  it('fills the facts of mail delivered by SMTP and of mail stored earlier, before any FETCH', async () => {
    // Stored straight into the mailbox, as mail kept before this version or copied by `mailroom db copy`.
    await stack.store.appendMail(inboxId, Buffer.from('From: Old <old@example.test>\r\nSubject: stored earlier\r\n\r\nold\r\n'), [], Date.now());
    await python(
      `
import smtplib, os
from email.message import EmailMessage
for i in range(3):
    m = EmailMessage()
    m['From'] = 'Ann Example <ann@remote.test>'
    m['To'] = 'gus@example.test'
    m['Subject'] = 'delivered %d' % i
    m['Message-ID'] = '<filler-%d@remote.test>' % i
    m.set_content('hello %d' % i)
    m.add_attachment(b'%PDF-1.4 x', maintype='application', subtype='pdf', filename='a.pdf')
    s = smtplib.SMTP('127.0.0.1', int(os.environ['SMTP']), timeout=10)
    s.send_message(m)
    s.quit()
`,
      { SMTP: String(stack.ports.smtp) },
    );
    const mail = await waitFor(
      () => stack.store.listMail(inboxId),
      (m) => m.length === 4,
      15_000,
      'four messages filed',
    );
    await waitFor(
      () => stack.store.listMailWithoutImapFacts(10),
      (ids) => ids.length === 0,
      15_000,
      'every message with its facts',
    );
    const ids = mail.map((m) => m.id);
    const kept = await stack.store.readImapFacts(ids, FACTS_VERSION);
    expect(kept.size).toBe(4);
    for (const id of ids) {
      const parsed = renderFacts((await stack.store.readMail(id))!);
      expect(kept.get(id)!.envelope.toString()).toBe(parsed.envelope.toString());
      expect(kept.get(id)!.bodyStructure.toString()).toBe(parsed.bodyStructure.toString());
    }
  });

  it('answers imaplib with the envelopes the filler kept', async () => {
    const out = await python(
      `
import imaplib, os
c = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']))
c.login('gus@example.test', 'gus-pw')
c.select('INBOX', readonly=True)
typ, data = c.fetch('1:*', '(ENVELOPE BODYSTRUCTURE)')
print(typ)
for d in data:
    print(d.decode() if isinstance(d, bytes) else repr(d))
c.logout()
`,
      { IMAP: String(stack.ports.imap) },
    );
    expect(out.split('\n')[0]).toBe('OK');
    expect(out).toContain('"stored earlier"');
    for (const i of [0, 1, 2]) expect(out).toContain(`"delivered ${i}" (("Ann Example" NIL "ann" "remote.test"))`);
    expect(out).toContain('("application" "pdf" NIL NIL NIL "base64" 18 NIL ("attachment" ("filename" "a.pdf")) NIL NIL)');
  });
});
