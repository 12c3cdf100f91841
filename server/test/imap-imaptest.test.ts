// What Dovecot's imaptest (its scripted tests, commit 924f619 built against Debian's Dovecot 2.3) still
// found failing, each reproduced with Python's imaplib and raw commands over its socket, the messages and
// commands taken from imaptest's own scripts: a message holding NUL (BINARY APPEND) sent in a BODY[] literal,
// a LIST pattern that is not modified UTF-7, the HIGHESTMODSEQ a CONDSTORE-enabling FETCH must announce,
// the MODSEQ of ESEARCH MIN/MAX, quoted-printable with transport white space (BINARY[1]), and SORT (CC)
// over a group address. BENCHMARKS.md "## imaptest" has the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const imap = (body: string) =>
  python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('ivy@example.test', 'ivy-pw')
def raw(data):
    """Sends one command (bytes, literals included) and returns every line up to its tagged reply, in order."""
    if isinstance(data, str): data = data.encode()
    tag = data.split(b' ')[0].decode()
    m.send(data + b'\\r\\n')
    out = []
    while True:
        l = m.readline().decode('latin1').rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

const crlf = (...lines: string[]) => lines.join('\r\n');

// imaptest's fetch-binary-mime-qp.mbox: white space after "=" and at line ends was added in transport.
const QP = crlf(
  'From: user@domain.org',
  'Mime-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="foo bar"',
  '',
  '--foo bar',
  'Content-Type: text/x-myown; charset=us-ascii',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'hello  ',
  'bar=',
  '',
  'foo\t=',
  'bar',
  'foo\t \t= ',
  '=62',
  'foo = \t',
  'bar',
  'foo =',
  '=62',
  'foo  ',
  'bar=',
  '',
  'foo_bar',
  '',
  '--foo bar--',
  '',
);

// imaptest's sort-addresses.mbox: the third Cc is a group, whose name is its first address's mailbox.
const ADDRESSED = [
  crlf('From: user2@domain2.org', 'To: foo bar <user2@domain2.org>', 'Cc: user2@domain2.org (foo bar)', '', '1', ''),
  crlf('From: user2@domain1.org', 'To: user2@domain1.org', 'Cc: user2: blah@domain1.org;', '', '2', ''),
  crlf('From: user1@domain1.org', 'To: user1@domain1.org', 'Cc: user1@domain1.org', '', '3', ''),
];

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('ivy@example.test', 'ivy-pw');
  // Apart by a few milliseconds: two deliveries in one millisecond share an arrival time, and ARRIVAL then
  // orders them by sequence number both ways (RFC 5256), which the ESORT and CC tests do not expect.
  for (const m of [QP, ...ADDRESSED]) {
    await stack.deliver('ivy@example.test', m);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP: what imaptest found', () => {
  it('a message holding NUL goes out in BODY[] with 0x80 for each NUL (no NUL in a literal); BINARY[] keeps it', async () => {
    const out = await imap(`
msg = b'From: user@domain.org\\r\\nContent-Type: application/octet-stream\\r\\nContent-Transfer-Encoding: binary\\r\\n\\r\\n\\x00-\\xe4\\r\\n'
raw(b'a1 CREATE nul')
print(raw(b'a2 APPEND nul ~{%d+}\\r\\n' % len(msg) + msg)[-1])
m.select('nul')
typ, data = m.fetch('1', '(BODY.PEEK[1])')
print('BODY', repr(data[0][0].decode()), data[0][1].hex())
typ, data = m.fetch('1', '(BINARY.PEEK[1])')
print('BINARY', repr(data[0][0].decode()), data[0][1].hex())
`);
    expect(out).toMatch(/a2 OK \[APPENDUID \d+ 1\]/);
    expect(out).toContain(`BODY '1 (BODY[1] {5}' 802de40d0a`);
    expect(out).toContain(`BINARY '1 (BINARY[1] ~{5}' 002de40d0a`);
  });

  it('LIST with a pattern that is not modified UTF-7 is OK (imaptest atoms script), a mailbox name still NO', async () => {
    const out = await imap(`
print(raw('b1 LIST "" !#$&\\'+,-.0123456789:;<=>?@^_\`|[}%*'))
print(raw('b2 SELECT !#$&\\'+,-.0123456789:;<=>?@^_\`|[}'))
`);
    expect(out).toContain(`'b1 OK LIST completed'`);
    expect(out).toMatch(/b2 NO/);
  });

  it('a CONDSTORE-enabling FETCH announces HIGHESTMODSEQ once, before its tagged reply (RFC 7162 3.1)', async () => {
    const out = await imap(`
m.select('INBOX')
print(raw('c1 FETCH 1 (MODSEQ)'))
print(raw('c2 FETCH 2 (MODSEQ)'))
`);
    expect(out).toMatch(/\['\* OK \[HIGHESTMODSEQ \d+\] Highest', '\* 1 FETCH \(MODSEQ \(\d+\)\)', 'c1 OK/);
    expect(out).toMatch(/\['\* 2 FETCH \(MODSEQ \(\d+\)\)', 'c2 OK/);
  });

  it('ESEARCH MIN or MAX with a MODSEQ criterion reports the mod-sequence of the message returned (RFC 7162 3.1.5)', async () => {
    const out = await imap(`
raw('d0 ENABLE CONDSTORE')
m.select('INBOX')
seqs = {}
for n in ['1', '3', '2', '4']:
    line = raw('d' + n + ' STORE ' + n + ' +FLAGS (\\\\Seen)')[0]
    seqs[n] = line.split('MODSEQ (')[1].split(')')[0]
print('MODSEQS', seqs['1'], seqs['2'], seqs['3'], seqs['4'])
for t, ret in [('e1', 'MIN'), ('e2', 'MAX'), ('e3', 'MIN MAX'), ('e4', 'ALL')]:
    print(raw(t + ' SEARCH RETURN (' + ret + ') 1:3 MODSEQ "/flags/\\\\\\\\seen" all 1')[0])
`);
    const [, m1, m2, m3] = out.match(/MODSEQS (\d+) (\d+) (\d+) (\d+)/)!;
    expect(out).toContain(`* ESEARCH (TAG "e1") MIN 1 MODSEQ ${m1}`);
    expect(out).toContain(`* ESEARCH (TAG "e2") MAX 3 MODSEQ ${m3}`);
    expect(out).toContain(`* ESEARCH (TAG "e3") MIN 1 MAX 3 MODSEQ ${m3}`);
    expect(out).toContain(`* ESEARCH (TAG "e4") ALL 1:3 MODSEQ ${m2}`);
  });

  it('BINARY[1] of quoted-printable drops transport white space and keeps "= " a soft line break (RFC 2045 6.7)', async () => {
    const out = await imap(`
m.select('INBOX', readonly=True)
typ, data = m.fetch('1', '(BINARY.SIZE[1] BINARY.PEEK[1])')
print(repr(data[0][0].decode()), repr(data[0][1].decode()))
`);
    expect(out).toContain(`'1 (BINARY.SIZE[1] 65 BINARY[1] {65}' 'hello\\r\\nbar\\r\\nfoo\\tbar\\r\\nfoo\\t \\tb\\r\\nfoo bar\\r\\nfoo b\\r\\nfoo\\r\\nbar\\r\\nfoo_bar\\r\\n'`);
  });

  it('SORT (CC) takes a group name as the first address, as Dovecot does (imaptest sort-addresses)', async () => {
    const out = await imap(`
m.select('INBOX', readonly=True)
for crit in ['CC', 'REVERSE CC', 'CC REVERSE ARRIVAL']:
    print(crit, m.uid('SORT', '(' + crit + ')', 'US-ASCII', '2:4')[1][0].decode())
`);
    // UIDs 2, 3, 4 are imaptest's messages 1, 2, 3: keys user2, user2 (the group), user1.
    expect(out).toContain('CC 4 2 3\n');
    expect(out).toContain('REVERSE CC 2 3 4\n');
    expect(out).toContain('CC REVERSE ARRIVAL 4 3 2\n');
  });

  it('ESORT: SORT RETURN answers ESEARCH ranked by the sort (RFC 5267 3.2, imaptest esort script)', async () => {
    const out = await imap(`
m.select('INBOX', readonly=True)
print(raw('f1 UID SORT RETURN (MIN MAX ALL COUNT) (CC) US-ASCII UID 2:4'))
print(raw('f2 SORT RETURN () (REVERSE ARRIVAL) US-ASCII ALL'))
print(raw('f3 SORT RETURN (COUNT) (ARRIVAL) US-ASCII SUBJECT nothing-has-this'))
print(raw('f4 SORT RETURN (PARTIAL 1:2) (ARRIVAL) US-ASCII ALL')[-1])
`);
    expect(out).toContain(`['* ESEARCH (TAG "f1") UID MIN 4 MAX 3 ALL 4,2:3 COUNT 3', 'f1 OK SORT completed']`);
    expect(out).toContain(`['* ESEARCH (TAG "f2") ALL 4,3,2,1', 'f2 OK SORT completed']`);
    expect(out).toContain(`['* ESEARCH (TAG "f3") COUNT 0', 'f3 OK SORT completed']`);
    expect(out).toMatch(/f4 BAD/);
  });

  it('SEARCH still matches a message another session expunged until this one is told (imaptest stress)', async () => {
    const out = await imap(`
raw('g0 CREATE gone')
for n in range(3):
    m.append('gone', None, None, ('Subject: gone %d\\r\\n\\r\\nbody\\r\\n' % n).encode())
m.select('gone')
other = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.login('ivy@example.test', 'ivy-pw')
other.select('gone')
other.store('2', '+FLAGS', '\\\\Deleted')
other.expunge()
print(raw('g1 SEARCH 2'))
print(raw('g2 SEARCH OR SMALLER 1 2:3'))
print(raw('g4 NOOP'))
print(raw('g5 SEARCH ALL'))
`);
    // SEARCH may not announce the expunge (RFC 3501 7.4.1): number 2 is still the client's until NOOP.
    expect(out).toContain(`['* SEARCH 2', 'g1 OK SEARCH completed']`);
    expect(out).toContain(`['* SEARCH 2 3', 'g2 OK SEARCH completed']`);
    expect(out).toContain(`['* 2 EXPUNGE', 'g4 OK NOOP completed']`);
    expect(out).toContain(`['* SEARCH 1 2', 'g5 OK SEARCH completed']`);
  });

  it('header and body keys, SORT and THREAD still read a message another session expunged, moved or closed away', async () => {
    const out = await imap(`
raw('d0 CREATE dated')
raw('d0 CREATE dated-archive')
for n in range(4):
    m.append('dated', None, None, ('Date: Mon, 0%d Feb 2010 10:00:00 +0000\\r\\nFrom: Zed %d <z%d@example.test>\\r\\nSubject: dated %d\\r\\n\\r\\nbody of %d\\r\\n' % (n + 1, n, n, n, n)).encode())
m.select('dated')
other = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.login('ivy@example.test', 'ivy-pw')
other.select('dated')
other.store('2', '+FLAGS', '\\\\Deleted')
other.expunge()
other.uid('MOVE', '3', 'dated-archive')
other.store('1', '+FLAGS', '\\\\Deleted')
other.close()
print(raw('d1 SEARCH SENTBEFORE 4-Feb-2010'))
print(raw('d2 SEARCH FROM "Zed 1"'))
print(raw('d3 SEARCH HEADER Subject "dated 2"'))
print(raw('d4 SORT (REVERSE SUBJECT) US-ASCII ALL'))
print(raw('d5 THREAD ORDEREDSUBJECT US-ASCII SENTSINCE 2-Feb-2010'))
print(raw('d8 SEARCH TEXT "body of 2"'))
print(raw('d6 NOOP'))
print(raw('d7 SEARCH SENTBEFORE 5-Feb-2010'))
`);
    // Messages 1-3 are gone from the store but still this session's until NOOP: their Date, From and
    // Subject still match (imaptest's stress counted these as "SEARCH result missing").
    expect(out).toContain(`['* SEARCH 1 2 3', 'd1 OK SEARCH completed']`);
    expect(out).toContain(`['* SEARCH 2', 'd2 OK SEARCH completed']`);
    expect(out).toContain(`['* SEARCH 3', 'd3 OK SEARCH completed']`);
    expect(out).toContain(`['* SORT 4 3 2 1', 'd4 OK SORT completed']`);
    expect(out).toContain(`['* THREAD (2)(3)(4)', 'd5 OK THREAD completed']`);
    // Small messages are kept whole: body keys match them too.
    expect(out).toContain(`['* SEARCH 3', 'd8 OK SEARCH completed']`);
    expect(out).toContain(`['* 3 EXPUNGE', '* 2 EXPUNGE', '* 1 EXPUNGE', 'd6 OK NOOP completed']`);
    expect(out).toContain(`['* SEARCH 1', 'd7 OK SEARCH completed']`);
  });

  it('SORT and THREAD by sequence number send no EXPUNGE; their UID forms may (RFC 3501 7.4.1, RFC 5256)', async () => {
    const out = await imap(`
raw('h0 CREATE gone2')
for n in range(3):
    m.append('gone2', None, None, ('Subject: gone %d\\r\\n\\r\\nbody\\r\\n' % n).encode())
m.select('gone2')
other = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.login('ivy@example.test', 'ivy-pw')
other.select('gone2')
other.store('2', '+FLAGS', '\\\\Deleted')
other.expunge()
print(raw('h1 SORT (ARRIVAL) US-ASCII ALL'))
print(raw('h2 THREAD ORDEREDSUBJECT US-ASCII ALL'))
print(raw('h3 UID THREAD ORDEREDSUBJECT US-ASCII ALL'))
`);
    expect(out).toContain(`['* SORT 1 2 3', 'h1 OK SORT completed']`);
    expect(out).toContain(`['* THREAD (1)(2)(3)', 'h2 OK THREAD completed']`);
    expect(out).toMatch(/\['\* THREAD \(\d+\)\(\d+\)\(\d+\)', '\* 2 EXPUNGE', 'h3 OK THREAD completed'\]/);
  });

  it('CAPABILITY names ESORT', async () => {
    expect(await imap(`print(m.capabilities)`)).toContain("'ESORT'");
  });
});
