// QRESYNC (RFC 7162 section 3.2) against the real service: with Python's imaplib for the raw exchanges
// (ENABLE QRESYNC, SELECT (QRESYNC (...)) with VANISHED (EARLIER) and the changed messages, UID FETCH
// (CHANGEDSINCE n VANISHED), VANISHED for expunges) and with imapflow, which enables QRESYNC when asked
// and reads VANISHED as expunges.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('quinn@example.test', 'quinn-pw');
  await stack.addAccount('rhea@example.test', 'rhea-pw');
  for (let i = 1; i <= 6; i++) await stack.deliver('quinn@example.test', plain(`message ${i}`));
  for (let i = 1; i <= 3; i++) await stack.deliver('rhea@example.test', plain(`message ${i}`));
});

afterAll(async () => {
  await stack?.stop();
});

describe('QRESYNC with imaplib', () => {
  it('resynchronises a client: VANISHED (EARLIER), changed flags, VANISHED for expunges', async () => {
    const out = await python(
      `
import imaplib, os, re
def connect():
    c = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
    c.login('quinn@example.test', 'quinn-pw')
    return c
m = connect()
other = connect()
def raw(line, conn=m):
    tag = line.split(' ')[0]
    conn.send((line + '\\r\\n').encode())
    out = []
    while True:
        l = conn.readline().decode().rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
def show(line, conn=m):
    for l in raw(line, conn): print(l)
print('caps', ' '.join(m.capabilities))
show('a0 SELECT INBOX (QRESYNC (1 1))')
show('a1 ENABLE QRESYNC')
lines = raw('a2 SELECT INBOX')
text = '\\n'.join(lines)
validity = re.search(r'UIDVALIDITY (\\d+)', text).group(1)
highest = int(re.search(r'HIGHESTMODSEQ (\\d+)', text).group(1))
show('a3 CLOSE')
# Meanwhile another session flags 2 and expunges 3 and 5.
raw('o1 SELECT INBOX', other)
raw('o2 STORE 2 +FLAGS (\\\\Flagged)', other)
raw('o3 STORE 3,5 +FLAGS (\\\\Deleted)', other)
raw('o4 EXPUNGE', other)
show('b1 SELECT INBOX (QRESYNC (%s %d 1:6))' % (validity, highest))
show('b2 UID FETCH 1:* (FLAGS) (CHANGEDSINCE %d VANISHED)' % highest)
show('b3 FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)')
show('b4 UID FETCH 1:* (FLAGS) (VANISHED)')
# An expunge by the other session now reaches this one as VANISHED.
raw('o5 STORE 1 +FLAGS (\\\\Deleted)', other)
raw('o6 EXPUNGE', other)
show('b5 NOOP')
show('b6 SELECT INBOX (QRESYNC (%d %d))' % (int(validity) + 1, highest))
`,
      { PORT: String(stack.ports.imap) },
    );
    expect(out).toMatch(/^caps .*\bQRESYNC\b/m);
    expect(out).toMatch(/^a0 BAD QRESYNC is not enabled/m);
    expect(out).toContain('* ENABLED CONDSTORE QRESYNC\na1 OK');
    // 3 and 5 vanished; 2 changed (FETCH with MODSEQ); the rest unchanged and not sent.
    expect(out).toMatch(/^\* VANISHED \(EARLIER\) 3,5\n\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)\nb1 OK \[READ-WRITE\]/m);
    expect(out).toMatch(/^\* VANISHED \(EARLIER\) 3,5\n\* 2 FETCH \(UID 2 FLAGS \(\\Flagged\) MODSEQ \(\d+\)\)\nb2 OK/m);
    expect(out).toMatch(/^b3 BAD /m);
    expect(out).toMatch(/^b4 BAD VANISHED needs CHANGEDSINCE/m);
    expect(out).toMatch(/^\* VANISHED 1\n/m);
    expect(out).not.toMatch(/^\* \d+ EXPUNGE/m);
    // Another UIDVALIDITY: a plain SELECT, nothing resynchronised.
    expect(out).toMatch(/^b6 OK/m);
    expect(out.split('b5 OK')[1]).not.toContain('VANISHED');
  });
});

describe('QRESYNC with imapflow', () => {
  it('enables QRESYNC and hears an expunge by another session as VANISHED', async () => {
    const opts = { host: '127.0.0.1', port: stack.ports.imap, secure: false, tls: { rejectUnauthorized: false }, auth: { user: 'rhea@example.test', pass: 'rhea-pw' }, logger: false as const };
    const client = new ImapFlow({ ...opts, qresync: true });
    const other = new ImapFlow(opts);
    await client.connect();
    await other.connect();
    try {
      expect(client.enabled.has('QRESYNC')).toBe(true);
      await client.mailboxOpen('INBOX');
      const expunged: Array<{ uid?: number; vanished?: boolean }> = [];
      client.on('expunge', (e: { uid?: number; vanished?: boolean }) => expunged.push(e));
      await other.mailboxOpen('INBOX');
      await other.messageDelete('2');
      await client.noop();
      expect(expunged).toEqual([expect.objectContaining({ uid: 2, vanished: true })]);
      expect((client.mailbox as { exists: number }).exists).toBe(2);
    } finally {
      await client.logout();
      await other.logout();
    }
  });
});
