// Several sessions on one mailbox, and IDLE: a message delivered by SMTP reaches an idling imaplib
// session within a second; flag changes and expunges by another session reach it too, as FETCH and
// EXPUNGE responses, and a session that is not idling hears about them at its next command.
// IN-PROCESS until mail-server.ts starts the IMAP listener (see helpers/mail-stack.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const PRELUDE = `
import imaplib, smtplib, os, time
def connect():
    m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']), timeout=10)
    m.login('frank@example.test', 'frank-pw')
    return m
def idle_start(m):
    tag = m._new_tag().decode()
    m.send(('%s IDLE\\r\\n' % tag).encode())
    assert m.readline().startswith(b'+'), 'no continuation'
    return tag
def idle_wait(m, timeout):
    m.sock.settimeout(timeout)
    line = m.readline().decode().strip()
    m.sock.settimeout(10)
    return line
def idle_done(m, tag):
    m.send(b'DONE\\r\\n')
    while True:
        line = m.readline().decode().strip()
        if line.startswith(tag): return line
`;

const run = (body: string) => python(PRELUDE + body, { IMAP: String(stack.ports.imap), SMTP: String(stack.ports.smtp) });

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('frank@example.test', 'frank-pw');
  await stack.deliver('frank@example.test', plain('already here'));
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP IDLE and concurrent sessions', () => {
  it('reports a message delivered over SMTP to an idling session within one second', async () => {
    const out = await run(`
m = connect()
m.select('INBOX')
tag = idle_start(m)
s = smtplib.SMTP('127.0.0.1', int(os.environ['SMTP']), timeout=10)
s.sendmail('someone@remote.test', ['frank@example.test'], 'Subject: while idling\\r\\n\\r\\nhi\\r\\n')
s.quit()
accepted = time.monotonic()
lines = [idle_wait(m, 5)]
elapsed = time.monotonic() - accepted
print('first', lines[0], 'elapsed %.3f' % elapsed)
print('done', idle_done(m, tag))
print('subject', m.fetch('2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode().strip())
m.logout()
`);
    expect(out).toMatch(/^first \* 2 EXISTS elapsed /m);
    const elapsed = Number(/elapsed ([\d.]+)/.exec(out)![1]);
    console.log(`IDLE saw the new message ${elapsed} s after SMTP accepted it`);
    expect(elapsed).toBeLessThan(1);
    expect(out).toMatch(/^done \S+ OK IDLE terminated$/m);
    expect(out).toContain('subject Subject: while idling');
  });

  it('shows one session the flag changes and expunges of another, while idling and at its next command', async () => {
    const out = await run(`
a = connect(); a.select('INBOX')
b = connect(); b.select('INBOX')
c = connect(); c.select('INBOX')
tag = idle_start(a)
b.store('1', '+FLAGS', '(\\\\Flagged)')
print('a sees flags', idle_wait(a, 5))
b.store('2', '+FLAGS', '(\\\\Deleted)')
print('a sees deleted', idle_wait(a, 5))
b.expunge()
print('a sees expunge', idle_wait(a, 5))
print('a done', idle_done(a, tag))
typ, data = c.fetch('1', '(FLAGS)')
print('c fetch', data, c.untagged_responses.get('EXPUNGE'))
typ, data = c.noop()
print('c noop', c.untagged_responses.pop('EXPUNGE', None), c.untagged_responses.pop('FETCH', None))
print('c exists', c.select('INBOX')[1])
`);
    expect(out).toMatch(/^a sees flags \* 1 FETCH \(UID 1 FLAGS \(\\Flagged( \\Recent)?\)\)$/m);
    expect(out).toMatch(/^a sees deleted \* 2 FETCH \(UID 2 FLAGS \(\\Deleted( \\Recent)?\)\)$/m);
    expect(out).toContain('a sees expunge * 2 EXPUNGE');
    expect(out).toMatch(/^a done \S+ OK IDLE terminated$/m);
    // During FETCH the expunge is held back (RFC 3501 7.4.1), then NOOP delivers it.
    expect(out).toMatch(/^c fetch \[b'1 \(UID 1 FLAGS \(\\\\Flagged\)\)', b'1 \(FLAGS \(\\\\Flagged\)\)'\] None$/m);
    expect(out).toMatch(/^c noop \[b'2'\] /m);
    expect(out).toContain("c exists [b'1']");
  });
});
