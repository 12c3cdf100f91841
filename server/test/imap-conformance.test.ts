// The conformance failures imaptest found (issue 16), each reproduced with Python's imaplib, a real client:
// BODY[1] of a message whose whole body is message/rfc822, an RFC 822 comment as display name in ENVELOPE,
// SEARCH FROM/TO/CC/BCC over parsed addresses (imaptest's search-addresses messages), LSUB with a \Noselect
// parent, NO for a name that is not modified UTF-7, and FLAGS before the FETCH that shows a new keyword.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const imap = (body: string) =>
  python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('carol@example.test', 'carol-pw')
def raw(line):
    """Sends one command and returns every line up to its tagged reply, in the order the server sent them."""
    tag = line.split(' ')[0]
    m.send((line + '\\r\\n').encode())
    out = []
    while True:
        l = m.readline().decode().rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

const INNER = 'From: inner@remote.test\r\nSubject: inner subject\r\n\r\nInner body.\r\n';
const FORWARD = `From: outer@remote.test\r\nTo: carol@example.test\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n${INNER}`;

// The messages of imaptest's search-addresses script (src/tests/search-addresses.mbox), as sent.
const ADDRESSED = [
  'From: user-from@domain.org\r\nTo: user-to@domain.org\r\nCc: user-cc@domain.org\r\nBcc: user-bcc@domain.org\r\n\r\nbody\r\n',
  'From: RealFrom <user-from@domain.org>\r\nTo: RealTo <user-to@domain.org>\r\nCc: RealCc <user-cc@domain.org>\r\nBcc: RealBcc <user-bcc@domain.org>\r\n\r\nbody2\r\n',
  'From: <user-from (comment)@ (comment) domain.org>\r\nTo: <user-to@domain.org>\r\nCc: <user-cc@domain.org>\r\nBcc: <user-bcc@domain.org>\r\n\r\nbody3\r\n',
  'From: user-from@domain.org (RealFrom)\r\nTo: user-to@domain.org (RealTo)\r\nCc: user-cc@domain.org (RealCc)\r\nBcc: user-bcc@domain.org (RealBcc)\r\n\r\nbody4\r\n',
  'From: user-from1@domain.org, user-from2@domain.org\r\nCc: user-cc@domain.org\r\n\r\nbody5\r\n',
  'To: groupname: groupuser1@domain.org, groupuser2@domain.org;,\r\n  groupname2: groupuser3@domain.org;\r\n\r\nbody6\r\n',
];

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('carol@example.test', 'carol-pw');
  await stack.deliver('carol@example.test', FORWARD);
  for (const m of ADDRESSED) await stack.deliver('carol@example.test', m);
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP conformance (imaptest failures of issue 16)', () => {
  it('BODY[1] of a message whose body is message/rfc822 is the inner message; 1.HEADER and 1.TEXT are its parts', async () => {
    const out = await imap(`
m.select('INBOX')
for item in ['BODY.PEEK[1]', 'BODY.PEEK[1.HEADER]', 'BODY.PEEK[1.TEXT]', 'BODY.PEEK[1.1]']:
    typ, data = m.fetch('1', '(' + item + ')')
    print(item, repr(data[0][1].decode()) if isinstance(data[0], tuple) else data)
`);
    expect(out).toContain(`BODY.PEEK[1] ${JSON.stringify(INNER).replace(/"/g, "'")}`);
    expect(out).toContain(`BODY.PEEK[1.HEADER] 'From: inner@remote.test\\r\\nSubject: inner subject\\r\\n\\r\\n'`);
    expect(out).toContain(`BODY.PEEK[1.TEXT] 'Inner body.\\r\\n'`);
    expect(out).toContain(`BODY.PEEK[1.1] 'Inner body.\\r\\n'`);
  });

  it('ENVELOPE takes the display name of "user@domain (Real Name)" from the comment', async () => {
    const out = await imap(`
m.select('INBOX')
print(m.fetch('5', '(ENVELOPE)')[1][0].decode())
print(m.fetch('4', '(ENVELOPE)')[1][0].decode())
`);
    expect(out).toContain('(("RealFrom" NIL "user-from" "domain.org"))');
    expect(out).toContain('(("RealTo" NIL "user-to" "domain.org"))');
    // Comments inside an angle address are not a name.
    expect(out).toContain('((NIL NIL "user-from" "domain.org"))');
  });

  it('SEARCH FROM/TO/CC/BCC match the parsed addresses and names, as imaptest search-addresses expects', async () => {
    // Sequence numbers here are imaptest's plus one: message 1 is the forwarded one.
    const cases: Array<[string, string]> = [
      ['FROM user-from@domain.org', '2 3 4 5'],
      ['TO user-to@domain.org', '2 3 4 5'],
      ['CC user-cc@domain.org', '2 3 4 5 6'],
      ['BCC user-bcc@domain.org', '2 3 4 5'],
      ['FROM realfrom', '3 5'],
      ['TO realto', '3 5'],
      ['CC realcc', '3 5'],
      ['BCC realbcc', '3 5'],
      ['HEADER FROM ""', '1 2 3 4 5 6'],
      ['HEADER TO ""', '1 2 3 4 5 7'],
      ['FROM ser-fro', '2 3 4 5 6'],
      ['BCC ealbc', '3 5'],
      ['FROM user-from2', '6'],
      ['TO groupname', '7'],
      ['TO groupname2', '7'],
      ['TO groupuser3', '7'],
      ['TO groupuser4', ''],
    ];
    const out = await imap(`
m.select('INBOX')
for criteria in ${JSON.stringify(cases.map(([c]) => c))}:
    print(criteria, '=>', m.search(None, criteria)[1][0].decode())
`);
    for (const [criteria, expected] of cases) expect(out).toContain(`${criteria} => ${expected}\n`);
  });

  it('LSUB "" box/% shows an unsubscribed parent with \\Noselect when a child below it is subscribed', async () => {
    const out = await imap(`
for name in ['box', 'box/a', 'box/a/b', 'box/c']: m.create(name)
m.subscribe('box/a/b')
m.subscribe('box/c')
for line in m.lsub('""', 'box/%')[1]: print('lsub', line.decode())
for line in m.lsub('""', 'box/*')[1]: print('all', line.decode())
`);
    expect(out).toContain('lsub (\\Noselect) "/" box/a');
    expect(out).toContain('lsub (\\HasNoChildren) "/" box/c');
    expect(out).not.toContain('lsub (\\HasNoChildren) "/" box/a/b');
    expect(out).toContain('all (\\HasNoChildren) "/" box/a/b');
    expect(out).not.toMatch(/all .* box\/a$/m);
  });

  it('a mailbox name that is not valid modified UTF-7 gets NO, not BAD', async () => {
    const out = await imap(`
print(raw('u1 CREATE &Jjo')[-1])
print(raw('u2 SELECT "&AGE"')[-1])
`);
    expect(out).toContain('u1 NO [CANNOT] Mailbox name is not valid modified UTF-7');
    expect(out).toMatch(/^u2 NO /m);
  });

  it('a STORE that adds a new keyword sends FLAGS and PERMANENTFLAGS before the FETCH that shows it', async () => {
    const out = await imap(`
m.select('INBOX')
for line in raw('k1 STORE 2 +FLAGS ($Fresh)'): print(line)
`);
    const lines = out.trim().split('\n');
    const flags = lines.findIndex((l) => l.startsWith('* FLAGS (') && l.includes('$Fresh'));
    const permanent = lines.findIndex((l) => l.startsWith('* OK [PERMANENTFLAGS (') && l.includes('$Fresh'));
    const fetch = lines.findIndex((l) => /^\* 2 FETCH \(FLAGS \(.*\$Fresh/.test(l));
    expect(flags, out).toBeGreaterThanOrEqual(0);
    expect(permanent, out).toBeGreaterThan(flags);
    expect(fetch, out).toBeGreaterThan(permanent);
    expect(lines.at(-1)).toBe('k1 OK STORE completed');
  });
});
