// The real server on a fresh PostgreSQL database: mail in over SMTP (smtplib), read back over IMAP
// (imaplib) and POP3 (poplib), a remote message in the queue API; then the database made unreachable at
// run time (a proxy in front of it is stopped, its connections cut): SMTP answers 451 4.3.0, never 250,
// the process stays up, and once the database is back mail is accepted and filed again.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { freePort } from './helpers/ports.ts';
import { createTestDatabase, PG_HOST, PG_PORT, postgresAvailable } from './helpers/postgres.ts';
import { python } from './helpers/python.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';

const TOKEN = randomBytes(16).toString('hex');

/** Sends one message with smtplib; prints "sent" or the refusal's code and text. */
const SEND = `
import smtplib, os, sys
msg = 'From: sender@far.test\\r\\nTo: %s\\r\\nSubject: %s\\r\\n\\r\\nbody\\r\\n' % (os.environ['TO'], os.environ['SUBJECT'])
try:
    s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=20)
    s.ehlo('client.test')
    s.sendmail('sender@far.test', [os.environ['TO']], msg)
    s.quit()
    print('sent')
except smtplib.SMTPRecipientsRefused as e:
    code, text = list(e.recipients.values())[0]
    print('refused', code, text.decode())
except smtplib.SMTPResponseException as e:
    print('refused', e.smtp_code, e.smtp_error.decode())
`;

describe.runIf(postgresAvailable())('the server on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let proxy: TcpProxy;
  let mr: MailroomProcess;

  const send = (to: string, subject: string) => python(SEND, { PORT: String(mr.ports.smtp), TO: to, SUBJECT: subject }).then((o) => o.trim());

  /** Subjects in alice's INBOX over IMAP, and what POP3 sees of it. */
  const imapSubjects = () =>
    python(
      `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']))
m.login('alice@example.test', 'alice-pw')
m.select('INBOX')
typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
for part in data:
    if isinstance(part, tuple): print(part[1].decode().strip())
m.logout()
`,
      { PORT: String(mr.ports.imap) },
    );

  beforeAll(async () => {
    db = await createTestDatabase('server');
    proxy = await TcpProxy.start({ host: PG_HOST, port: PG_PORT });
    mr = await MailroomProcess.create({
      env: {
        MAILROOM_DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${db.name}`,
        MAILROOM_CLUSTER_NODE_NAME: 'e2e-node',
        MAILROOM_ADMIN_TOKEN: TOKEN,
        // Remote mail goes to a port where nothing listens: it stays in the queue, deferred.
        MAILROOM_RELAY: `127.0.0.1:${await freePort()}`,
      },
    });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-pw');
    await mr.cli('alias', 'add', 'fwd@example.test', 'bob@far.test'); // a forward: accepted on the MX, queued for remote delivery
    await mr.start();
  });

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
    await proxy?.stop();
    await db?.drop();
  });

  it('accepts over SMTP and serves the mail over IMAP and POP3', async () => {
    expect(await send('alice@example.test', 'first on postgres')).toBe('sent');
    expect(await imapSubjects()).toContain('Subject: first on postgres');
    const pop = await python(
      `
import poplib, os
p = poplib.POP3('127.0.0.1', int(os.environ['PORT']))
p.user('alice@example.test'); p.pass_('alice-pw')
print('stat', p.stat()[0])
print(b'\\n'.join(p.retr(1)[1]).decode())
p.quit()
`,
      { PORT: String(mr.ports.pop3) },
    );
    expect(pop).toMatch(/^stat 1$/m);
    expect(pop).toContain('Subject: first on postgres');
  });

  it('keeps remote mail in the queue, as the queue API shows', async () => {
    expect(await send('fwd@example.test', 'to the queue')).toBe('sent');
    const res = await mr.admin('/api/v1/queue?search=bob@far.test', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; items: Array<{ from: string; to: string[]; recipients: Array<{ address: string; state: string }> }> };
    expect(body.total, JSON.stringify(body)).toBe(1);
    expect(body.items[0]).toMatchObject({ from: 'sender@far.test', to: ['bob@far.test'] });
    expect(body.items[0]!.recipients.map((r) => r.address)).toEqual(['bob@far.test']);
    expect(['queued', 'in_flight', 'deferred']).toContain(body.items[0]!.recipients[0]!.state);
  });

  it('answers 451 4.3.0 while the database is unreachable, and accepts again once it is back', async () => {
    await proxy.stop();
    try {
      for (const subject of ['during outage 1', 'during outage 2']) {
        const answer = await send('alice@example.test', subject);
        expect(answer).toMatch(/^refused 451 4\.3\.0 /);
      }
    } finally {
      await proxy.resume();
    }
    // The pool reconnects on its own: the next message is accepted and filed.
    let answer = '';
    for (let i = 0; i < 20 && answer !== 'sent'; i++) {
      answer = await send('alice@example.test', 'after the outage');
      if (answer !== 'sent') await new Promise((r) => setTimeout(r, 500));
    }
    expect(answer).toBe('sent');
    const subjects = await imapSubjects();
    expect(subjects).toContain('Subject: after the outage');
    expect(subjects).not.toContain('during outage');
    expect(mr.child?.exitCode, mr.output).toBeNull();
  });
});
