// IMAP4rev2 (RFC 9051) beside IMAP4rev1, with raw commands over Python imaplib's socket (imaplib speaks rev1
// only): what changes for a session once it sends ENABLE IMAP4rev2 (no \Recent, no RECENT or [UNSEEN], an
// ESEARCH answer to every SEARCH, mailbox names in UTF-8), UTF8=ACCEPT (RFC 6855), and what rev2 folds in for
// everyone: SEARCHRES (RFC 5182: SEARCH RETURN (SAVE) and "$") and OK [CLOSED] when a SELECT closes the
// mailbox before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const imap = (body: string) =>
  python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('rev@example.test', 'rev-pw')
def raw(data):
    """Sends one command and returns every line up to its tagged reply, in order (a literal's bytes inline)."""
    if isinstance(data, str): data = data.encode()
    tag = data.split(b' ')[0].decode()
    m.send(data + b'\\r\\n')
    out = []
    while True:
        l = m.readline()
        if l.rstrip(b'\\r\\n').endswith(b'}') and b'{' in l:
            n = int(l.rstrip(b'\\r\\n').rsplit(b'{', 1)[1][:-1])
            l = l.rstrip(b'\\r\\n') + b'[' + m.read(n) + b']' + m.readline()
        l = l.decode('utf8').rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

const mail = (subject: string) => `From: a@remote.test\r\nTo: rev@example.test\r\nSubject: ${subject}\r\n\r\nbody\r\n`;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('rev@example.test', 'rev-pw');
  for (const s of ['one', 'two', 'three']) await stack.deliver('rev@example.test', mail(s));
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP4rev2', () => {
  it('is announced beside IMAP4rev1, with SEARCHRES, and ENABLE IMAP4rev2 turns it on once', async () => {
    const out = await imap(`
print(m.capabilities)
print(raw('a1 ENABLE IMAP4rev2'))
print(raw('a2 ENABLE IMAP4rev2'))
`);
    expect(out).toMatch(/'IMAP4REV1', 'IMAP4REV2'/);
    expect(out).toContain("'SEARCHRES'");
    expect(out).toContain(`['* ENABLED IMAP4rev2', 'a1 OK ENABLE completed']`);
    expect(out).toContain(`['* ENABLED', 'a2 OK ENABLE completed']`);
  });

  it('a rev2 session sees no \\Recent, no RECENT and no [UNSEEN], also for mail another session adds meanwhile', async () => {
    const out = await imap(`
raw('b0 ENABLE IMAP4rev2')
print('SELECT', raw('b1 SELECT INBOX'))
print('FETCH', raw('b2 FETCH 1:* (FLAGS)'))
other = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.login('rev@example.test', 'rev-pw')
other.append('INBOX', None, None, b'Subject: four\\r\\n\\r\\nbody\\r\\n')
print('NOOP', raw('b3 NOOP'))
print('FETCH4', raw('b4 FETCH 4 (FLAGS)'))
print('STORE', raw('b5 STORE 4 +FLAGS (\\\\Flagged)'))
raw('b6 EXPUNGE')
# An IMAP4rev1 session (no ENABLE) still has them: the rev2 session left \\Recent unclaimed.
print('REV1', other.select('INBOX'), other.response('RECENT'))
`);
    expect(out).toMatch(/SELECT \['\* FLAGS .*'\* 3 EXISTS', '\* OK \[UIDVALIDITY \d+\] UIDs valid'/);
    expect(out).toContain(`FETCH ['* 1 FETCH (FLAGS ())', '* 2 FETCH (FLAGS ())', '* 3 FETCH (FLAGS ())', 'b2 OK FETCH completed']`);
    expect(out).toMatch(/NOOP \['\* 4 EXISTS', 'b3 OK/);
    expect(out).toContain(`FETCH4 ['* 4 FETCH (FLAGS ())', 'b4 OK FETCH completed']`);
    expect(out).toContain(`STORE ['* 4 FETCH (FLAGS (\\\\Flagged))', 'b5 OK STORE completed']`);
    expect(out.split('REV1')[0]).not.toMatch(/RECENT|UNSEEN|\\\\Recent/);
    expect(out).toContain(`('RECENT', [b'4'])`);
  });

  it('every SEARCH of a rev2 session is answered by ESEARCH (RFC 9051 6.4.4), UID SEARCH with UID', async () => {
    const out = await imap(`
raw('c0 ENABLE IMAP4rev2')
raw('c1 EXAMINE INBOX')
print(raw('c2 SEARCH SUBJECT t'))
print(raw('c3 UID SEARCH ALL'))
print(raw('c4 UID SEARCH SUBJECT nothing-has-this'))
print(raw('c5 SEARCH RETURN (COUNT) ALL'))
`);
    expect(out).toContain(`['* ESEARCH (TAG "c2") ALL 2:3', 'c2 OK SEARCH completed']`);
    expect(out).toMatch(/\['\* ESEARCH \(TAG "c3"\) UID ALL 1:\d+', 'c3 OK SEARCH completed'\]/);
    expect(out).toContain(`['* ESEARCH (TAG "c4") UID', 'c4 OK SEARCH completed']`);
    expect(out).toContain(`['* ESEARCH (TAG "c5") COUNT `);
  });

  it('mailbox names are UTF-8 both ways in a rev2 session ("&" is just "&"), modified UTF-7 in rev1', async () => {
    const out = await imap(`
raw('d0 ENABLE IMAP4rev2')
print(raw('d1 CREATE "Entwürfe/R&D"'))
print(raw('d2 LIST "" "Entw*"'))
print(raw('d3 STATUS "Entwürfe/R&D" (MESSAGES)'))
rev1 = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
rev1.login('rev@example.test', 'rev-pw')
print('REV1', rev1.list('""', 'Entw*'))
`);
    expect(out).toContain("'d1 OK CREATE completed'");
    expect(out).toContain(`'* LIST (\\\\HasChildren) "/" {9}[Entwürfe]'`);
    expect(out).toContain(`'* LIST (\\\\HasNoChildren) "/" {13}[Entwürfe/R&D]'`);
    expect(out).toContain(`'* STATUS {13}[Entwürfe/R&D] (MESSAGES 0)'`);
    expect(out).toContain(`b'(\\\\HasNoChildren) "/" Entw&APw-rfe/R&-D'`);
  });

  it('UTF8=ACCEPT (RFC 6855) without rev2: UTF-8 mailbox names, and APPEND takes UTF8 (~{n}) only', async () => {
    const out = await imap(`
print(raw('u1 ENABLE UTF8=ACCEPT'))
raw('u2 CREATE "Grüße"')
print(raw('u3 LIST "" "Gr*"'))
msg = 'Subject: Grüße\\r\\n\\r\\nhallo\\r\\n'.encode()
print(raw('u4 APPEND "Grüße" (\\\\Seen) UTF8 (~{%d+}\\r\\n'.encode() % len(msg) + msg + b')'))
print(raw('u5 EXAMINE "Grüße"')[-1], raw('u6 FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))
print(raw(b'u7 APPEND INBOX UTF8 ({3+}\\r\\nabc)'))
`);
    expect(out).toContain(`['* ENABLED UTF8=ACCEPT', 'u1 OK ENABLE completed']`);
    expect(out).toContain(`'* LIST (\\\\HasNoChildren) "/" {7}[Grüße]'`);
    expect(out).toMatch(/\['u4 OK \[APPENDUID \d+ 1\] APPEND completed'\]/);
    expect(out).toMatch(/\* 1 FETCH \(FLAGS \(\\\\Seen \\\\Recent\) BODY\[HEADER.FIELDS \(SUBJECT\)\] \{\d+\}\[Subject: Grüße/);
    expect(out).toMatch(/u7 BAD/);
  });

  it('SEARCHRES: RETURN (SAVE) keeps the result as "$" for FETCH, UID FETCH and SEARCH; a new SELECT empties it', async () => {
    const out = await imap(`
raw('e0 SELECT INBOX')
print('SAVE', raw('e1 SEARCH RETURN (SAVE) SUBJECT t'))
print('FETCH', raw('e2 FETCH $ (BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))
print('UIDFETCH', raw('e3 UID FETCH $ (FLAGS)'))
print('SEARCH', raw('e4 SEARCH UID $ SUBJECT three'))
print('MIN', raw('e5 SEARCH RETURN (SAVE MIN) SUBJECT t'), raw('e6 FETCH $ (UID)'))
print('CLOSED', raw('e7 SELECT INBOX'))
print('EMPTY', raw('e8 FETCH $ (UID)'))
`);
    expect(out).toContain(`SAVE ['e1 OK SEARCH completed']`);
    expect(out).toMatch(/FETCH \['\* 2 FETCH \(BODY\[HEADER.FIELDS \(SUBJECT\)\] \{\d+\}\[Subject: two/);
    expect(out).toMatch(/\* 3 FETCH \(BODY\[HEADER.FIELDS \(SUBJECT\)\] \{\d+\}\[Subject: three/);
    expect(out).toMatch(/UIDFETCH \['\* 2 FETCH \(UID 2 FLAGS/);
    expect(out).toContain(`SEARCH ['* SEARCH 3', 'e4 OK SEARCH completed']`);
    expect(out).toContain(`['* ESEARCH (TAG "e5") MIN 2', 'e5 OK SEARCH completed'] ['* 2 FETCH (UID 2)', 'e6 OK FETCH completed']`);
    expect(out).toMatch(/CLOSED \['\* OK \[CLOSED\] Previous mailbox closed', '\* FLAGS/);
    expect(out).toContain(`EMPTY ['e8 OK FETCH completed']`);
  });
});
