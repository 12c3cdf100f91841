// The IMAP extensions of issue 16 item 2 and the IMAP part of issue 18 item 4, with real clients: BINARY
// (RFC 3516), MULTIAPPEND (RFC 3502, all or nothing), LIST-EXTENDED and LIST-STATUS (RFC 5258, 5819),
// CREATE-SPECIAL-USE (RFC 6154) and QUOTA (RFC 9208). Python's imaplib where it has the command, raw
// commands over its socket where it has none (literal8, MULTIAPPEND, LIST options), imapflow for APPEND,
// LIST-STATUS, BINARY downloads and the quota. And the bad input each one must refuse, storing nothing.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { createTestDatabase, postgresAvailable } from './helpers/postgres.ts';
import { python } from './helpers/python.ts';

// Both stores: MULTIAPPEND's one transaction and CREATE's special use are store methods.
const backends: { name: string; env: () => Promise<Record<string, string>>; drop?: () => Promise<void> }[] = [{ name: 'sqlite', env: async () => ({}) }];
if (postgresAvailable()) {
  let drop: (() => Promise<void>) | undefined;
  backends.push({
    name: 'postgres',
    env: async () => {
      const db = await createTestDatabase('imap_ext');
      drop = db.drop;
      return { MAILROOM_DATABASE_URL: db.url };
    },
    drop: () => drop?.() ?? Promise.resolve(),
  });
}

let stack: MailStack;

const imap = (user: string, body: string) =>
  python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
m.login('${user}', 'pw')
def raw(data):
    """Sends one command (bytes, literals included) and returns every line up to its tagged reply."""
    tag = data.split(b' ')[0].decode()
    m.send(data + b'\\r\\n')
    out = []
    while True:
        l = m.readline().decode('latin1').rstrip('\\r\\n')
        out.append(l)
        if l.startswith(tag + ' '): return out
def count(box):
    return int(m.status(box, '(MESSAGES)')[1][0].decode().split('MESSAGES ')[1].rstrip(')'))
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

const client = async (user: string) => {
  const c = new ImapFlow({ host: '127.0.0.1', port: stack.ports.imap, secure: false, auth: { user, pass: 'pw' }, tls: { rejectUnauthorized: false }, logger: false });
  await c.connect();
  return c;
};

/** Bytes with NUL and 8-bit values: only BINARY (decoded) and literal8 carry them as they are. */
const PAYLOAD = Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x80, 0xff, 0x00, 0x41]);
const MIXED = [
  'From: sender@remote.test',
  'To: una@example.test',
  'Subject: parts',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Gr=C3=BC=C3=9Fe, a long line that is wra=',
  'pped.',
  '--b1',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  PAYLOAD.toString('base64'),
  '--b1',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 x',
  '--b1--',
  '',
].join('\r\n');

describe.each(backends)('IMAP extensions on $name', (backend) => {
  beforeAll(async () => {
    stack = await MailStack.start(await backend.env());
    for (const user of ['una', 'vic', 'wes']) await stack.addAccount(`${user}@example.test`, 'pw');
    await stack.deliver('una@example.test', MIXED);
  });

  afterAll(async () => {
    await stack?.stop();
    await backend.drop?.();
  });

  describe('BINARY (RFC 3516)', () => {
    it('imaplib fetches parts decoded: quoted-printable as UTF-8 bytes, base64 with NUL as a literal8', async () => {
      const out = await imap(
        'una@example.test',
        `
m.select('INBOX')
for item in ['BINARY.PEEK[1]', 'BINARY.PEEK[2]', 'BINARY.SIZE[2]', 'BINARY.PEEK[2]<1.3>', 'BINARY.PEEK[9]']:
    typ, data = m.fetch('1', '(' + item + ')')
    print(item, typ, repr(data[0][1]) if isinstance(data[0], tuple) else data[0].decode())
print(raw(b'r1 FETCH 1 (BINARY.PEEK[2])')[0])
print(m.fetch('1', '(FLAGS)')[1][0].decode())
print(raw(b'r2 FETCH 1 (BINARY[1.MIME])')[-1])
print(raw(b'r3 FETCH 1 (BINARY[HEADER])')[-1])
print(raw(b'r4 FETCH 1 (BINARY[3])')[-1])
print(raw(b'r5 FETCH 1 (BINARY.SIZE[3])')[-1])
print(raw(b'r6 FETCH 1 (BINARY[1])')[-1])
print(m.fetch('1', '(FLAGS)')[1][0].decode())
`,
      );
      expect(out).toContain(`BINARY.PEEK[1] OK b'Gr\\xc3\\xbc\\xc3\\x9fe, a long line that is wrapped.'`);
      expect(out).toContain(`BINARY.PEEK[2] OK b'\\x00\\x01\\x02\\x7f\\x80\\xff\\x00A'`);
      expect(out).toContain('BINARY.SIZE[2] OK 1 (BINARY.SIZE[2] 8)');
      expect(out).toContain(`BINARY.PEEK[2]<1.3> OK b'\\x01\\x02\\x7f'`);
      expect(out).toContain('BINARY.PEEK[9] OK 1 (BINARY[9] NIL)');
      // NUL bytes travel only in a literal8.
      expect(out).toContain('* 1 FETCH (BINARY[2] ~{8}');
      // A malformed section is BAD, an encoding the server cannot undo NO [UNKNOWN-CTE]; PEEK keeps \Seen off.
      expect(out).toContain('1 (FLAGS (\\Recent))');
      expect(out).toMatch(/^r2 BAD A BINARY section has part numbers only$/m);
      expect(out).toMatch(/^r3 BAD A BINARY section has part numbers only$/m);
      expect(out).toMatch(/^r4 NO \[UNKNOWN-CTE\] /m);
      expect(out).toMatch(/^r5 NO \[UNKNOWN-CTE\] /m);
      expect(out).toMatch(/^r6 OK /m);
      expect(out).toContain('1 (FLAGS (\\Seen \\Recent))');
    });

    it('imapflow downloads an attachment through BINARY and appends with a literal8', async () => {
      const c = await client('una@example.test');
      try {
        await c.mailboxOpen('INBOX');
        const { content } = await c.download('1', '2', { binary: true });
        if (!content) throw new Error('no content downloaded');
        const chunks: Buffer[] = [];
        for await (const chunk of content) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks)).toEqual(PAYLOAD);
        const raw = Buffer.concat([Buffer.from('Subject: nul inside\r\n\r\n'), PAYLOAD, Buffer.from('\r\n')]);
        const appended = await c.append('INBOX', raw, ['\\Seen']);
        expect(appended && appended.uid).toBeGreaterThan(1);
        // BODY[] may not carry NUL (RFC 3501 CHAR8): each goes out as 0x80, as Dovecot sends it; the bytes
        // as stored are BINARY[]'s (server/test/imap-imaptest.test.ts).
        const stored = await c.fetchOne(String(appended && appended.uid), { source: true }, { uid: true });
        expect(stored && stored.source).toEqual(Buffer.from(raw.map((b) => (b === 0 ? 0x80 : b))));
      } finally {
        await c.logout();
      }
    });
  });

  describe('MULTIAPPEND (RFC 3502)', () => {
    it('stores several messages in one command with their flags and dates, APPENDUID naming all of them', async () => {
      const out = await imap(
        'vic@example.test',
        `
a, b, c = b'Subject: m1\\r\\n\\r\\nw\\r\\n', b'Subject: m2\\r\\n\\r\\nx\\r\\n', b'Subject: m3\\r\\n\\r\\ny\\0\\r\\n'
cmd = b'm1 APPEND INBOX (\\\\Seen) {%d+}\\r\\n%s (\\\\Flagged) " 7-Jul-2024 10:00:00 +0200" {%d+}\\r\\n%s ~{%d+}\\r\\n%s' % (len(a), a, len(b), b, len(c), c)
print(raw(cmd)[-1])
m.select('INBOX')
for line in m.fetch('1:*', '(UID FLAGS INTERNALDATE BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1]:
    if isinstance(line, tuple): print(line[0].decode(), line[1].decode().strip())
`,
      );
      const uidValidity = /m1 OK \[APPENDUID (\d+) 1:3\] APPEND completed/.exec(out);
      expect(uidValidity, out).not.toBeNull();
      expect(out).toMatch(/1 \(UID 1 FLAGS \(\\Seen \\Recent\) .* Subject: m1/);
      expect(out).toMatch(/2 \(UID 2 FLAGS \(\\Flagged \\Recent\) INTERNALDATE "07-Jul-2024 08:00:00 \+0000".* Subject: m2/);
      expect(out).toMatch(/3 \(UID 3 FLAGS \(\\Recent\) .* Subject: m3/);
    });

    it('stores nothing when the third message is empty, malformed, too large or over the quota', async () => {
      await stack.store.setQuota('wes@example.test', { messages: 4 });
      const out = await imap(
        'wes@example.test',
        `
one, two = b'Subject: 1\\r\\n\\r\\nx\\r\\n', b'Subject: 2\\r\\n\\r\\ny\\r\\n'
head = b'%s {%d+}\\r\\n%s {%d+}\\r\\n%s' % (b'INBOX', len(one), one, len(two), two)
print(raw(b'e1 APPEND ' + head + b' {0+}\\r\\n')[-1], count('INBOX'))
print(raw(b'e2 APPEND ' + head + b' ~"not a literal"')[-1], count('INBOX'))
print(raw(b'e3 APPEND ' + head + b' (\\\\Bogus) {1+}\\r\\nz')[-1], count('INBOX'))
# A synchronising literal over APPENDLIMIT is refused before a byte of it is sent.
print(raw(b'e4 APPEND ' + head + b' {999999999}')[-1], count('INBOX'))
print(raw(b'e5 APPEND ' + head + b' {1+}\\r\\nz {1+}\\r\\nz {1+}\\r\\nz')[-1], count('INBOX'))
print(raw(b'e6 APPEND NoSuchBox ' + head[len(b'INBOX '):])[-1], count('INBOX'))
print(raw(b'e7 APPEND ' + head + b' {1+}\\r\\nz')[-1], count('INBOX'))
print(m.getquotaroot('INBOX'))
`,
      );
      expect(out).toContain('e1 NO Message 3: An empty message cannot be appended 0');
      expect(out).toMatch(/^e2 BAD Expected a literal after "~" 0$/m);
      expect(out).toMatch(/^e3 BAD Unknown system flag \\Bogus 0$/m);
      expect(out).toMatch(/^e4 NO \[TOOBIG\] .* 0$/m);
      // Five messages do not fit a quota of four: the first four are not stored either.
      expect(out).toMatch(/^e5 NO \[OVERQUOTA\] .* 0$/m);
      expect(out).toMatch(/^e6 NO \[TRYCREATE\] .* 0$/m);
      expect(out).toMatch(/^e7 OK \[APPENDUID \d+ 1:3\] APPEND completed 3$/m);
      expect(out).toContain(`[[b'INBOX ""'], [b'"" (MESSAGE 3 4)']]`);
    });
  });

  describe('LIST-EXTENDED and LIST-STATUS (RFC 5258, 5819)', () => {
    it('selects subscribed names (gone ones \\NonExistent), special-use mailboxes, several patterns, and CHILDINFO', async () => {
      const out = await imap(
        'una@example.test',
        `
for name in ['Work', 'Work/Plans', 'Old']: m.create(name)
m.subscribe('Work/Plans'); m.subscribe('Old'); m.delete('Old')
for cmd in [b'l1 LIST (SUBSCRIBED) "" *', b'l2 LIST (SUBSCRIBED RECURSIVEMATCH) "" %', b'l3 LIST "" (INBOX "Work/*")', b'l4 LIST (SPECIAL-USE) "" *',
            b'l5 LIST "" % RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)', b'l6 LIST (FOLDERS) "" *', b'l7 LIST (RECURSIVEMATCH) "" *', b'l8 LSUB (SUBSCRIBED) "" *']:
    for line in raw(cmd): print(cmd.split(b' ')[0].decode(), line)
`,
      );
      const lines = (tag: string) =>
        out
          .split('\n')
          .filter((l) => l.startsWith(`${tag} `))
          .map((l) => l.slice(tag.length + 1));
      // A new account is subscribed to its default mailboxes.
      expect(lines('l1')).toEqual([
        '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
        '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
        '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
        '* LIST (\\NonExistent \\Subscribed) "/" Old',
        '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
        '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
        '* LIST (\\HasNoChildren \\Subscribed) "/" Work/Plans',
        'l1 OK LIST completed',
      ]);
      // Work is not subscribed, but Work/Plans below it is and does not match "%" itself.
      expect(lines('l2')).toEqual([
        '* LIST (\\HasNoChildren \\Subscribed) "/" INBOX',
        '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "/" Drafts',
        '* LIST (\\HasNoChildren \\Junk \\Subscribed) "/" Junk',
        '* LIST (\\NonExistent \\Subscribed) "/" Old',
        '* LIST (\\HasNoChildren \\Sent \\Subscribed) "/" Sent',
        '* LIST (\\HasNoChildren \\Trash \\Subscribed) "/" Trash',
        '* LIST (\\HasChildren) "/" Work ("CHILDINFO" ("SUBSCRIBED"))',
        'l2 OK LIST completed',
      ]);
      expect(lines('l3')).toEqual(['* LIST (\\HasNoChildren) "/" INBOX', '* LIST (\\HasNoChildren) "/" Work/Plans', 'l3 OK LIST completed']);
      expect(lines('l4').map((l) => l.replace(/ "\/" .*/, ''))).toEqual([
        '* LIST (\\HasNoChildren \\Drafts)',
        '* LIST (\\HasNoChildren \\Junk)',
        '* LIST (\\HasNoChildren \\Sent)',
        '* LIST (\\HasNoChildren \\Trash)',
        'l4 OK LIST completed',
      ]);
      expect(lines('l5')).toContain('* LIST (\\HasChildren) "/" Work');
      expect(lines('l5')).toContain('* LIST (\\HasNoChildren \\Subscribed) "/" INBOX');
      expect(lines('l6')).toEqual(['l6 BAD Unknown LIST selection option "FOLDERS"']);
      expect(lines('l7')).toEqual(['l7 BAD RECURSIVEMATCH needs another selection option such as SUBSCRIBED']);
      expect(lines('l8')).toEqual(['l8 BAD LSUB takes one pattern and no options; use LIST (SUBSCRIBED)']);
    });

    it('sends STATUS after each selectable mailbox (raw, and imapflow with a status query)', async () => {
      const out = await imap(
        'una@example.test',
        `
for line in raw(b's1 LIST "" (INBOX Trash) RETURN (STATUS (MESSAGES UNSEEN SIZE DELETED))'): print(line)
`,
      );
      expect(out).toMatch(/\* LIST \(\\HasNoChildren\) "\/" INBOX\r?\n\* STATUS INBOX \(MESSAGES 2 UNSEEN 0 SIZE \d+ DELETED 0\)\n/);
      expect(out).toContain('* STATUS Trash (MESSAGES 0 UNSEEN 0 SIZE 0 DELETED 0)');
      const c = await client('una@example.test');
      try {
        const boxes = await c.list({ statusQuery: { messages: true, unseen: true } });
        const inbox = boxes.find((b) => b.path === 'INBOX');
        expect(inbox?.status).toMatchObject({ messages: 2, unseen: 0 });
        expect(boxes.find((b) => b.path === 'Work')?.status).toMatchObject({ messages: 0 });
      } finally {
        await c.logout();
      }
    });
  });

  describe('CREATE-SPECIAL-USE (RFC 6154)', () => {
    it('creates a mailbox with a special use, and refuses uses it cannot give (NO [USEATTR], nothing created)', async () => {
      const out = await imap(
        'vic@example.test',
        `
print(raw(b'c1 CREATE Archive2 (USE (\\\\archive))')[-1])
print(raw(b'c2 CREATE Everything (USE (\\\\All))')[-1])
print(raw(b'c3 CREATE Two (USE (\\\\Sent \\\\Trash))')[-1])
print(raw(b'c4 CREATE Odd (USE (\\\\Bogus))')[-1])
print(raw(b'c5 CREATE Bad (USE \\\\Sent)')[-1])
for line in m.list('""', '*')[1]: print('list', line.decode())
`,
      );
      expect(out).toMatch(/^c1 OK CREATE completed$/m);
      expect(out).toMatch(/^c2 NO \[USEATTR\] \\All cannot be given to a new mailbox/m);
      expect(out).toMatch(/^c3 NO \[USEATTR\] A mailbox can have one special use$/m);
      expect(out).toMatch(/^c4 NO \[USEATTR\] /m);
      expect(out).toMatch(/^c5 BAD /m);
      expect(out).toContain('list (\\HasNoChildren \\Archive) "/" Archive2');
      expect(out).not.toMatch(/Everything|Two|Odd|Bad/);
    });
  });

  describe('QUOTA (RFC 9208)', () => {
    it('reports the STORAGE and MESSAGE limits of the account to imaplib and imapflow', async () => {
      await stack.store.setQuota('vic@example.test', { bytes: 2 * 1024 * 1024, messages: 1000 });
      const used = (await stack.store.getQuota((await stack.store.findAccount('vic@example.test'))!.id))!;
      const out = await imap(
        'vic@example.test',
        `
print(m.getquotaroot('INBOX'))
print(m.getquota('""'))
print(raw(b'q1 GETQUOTA "other"')[-1])
print(raw(b'q2 GETQUOTAROOT NoSuchBox')[-1])
print(raw(b'q3 SETQUOTA "" (STORAGE 1)')[-1])
print(raw(b'q4 GETQUOTAROOT')[-1])
m.select('INBOX'); m.store('1', '+FLAGS', '\\\\Deleted')
print(m.status('INBOX', '(DELETED DELETED-STORAGE)')[1][0].decode())
`,
      );
      const storage = `STORAGE ${Math.ceil(used.usedBytes / 1024)} 2048 MESSAGE ${used.usedMessages} 1000`;
      expect(out).toContain(`('OK', [[b'INBOX ""'], [b'"" (${storage})']])`);
      expect(out).toContain(`('OK', [b'"" (${storage})'])`);
      expect(out).toMatch(/^q1 NO \[NONEXISTENT\] /m);
      expect(out).toMatch(/^q2 NO \[NONEXISTENT\] /m);
      expect(out).toMatch(/^q3 NO \[NOPERM\] Quotas are set by the administrator/m);
      expect(out).toMatch(/^q4 BAD /m);
      expect(out).toMatch(/INBOX \(DELETED 1 DELETED-STORAGE 1\)/);

      const c = await client('vic@example.test');
      try {
        const quota = await c.getQuota('INBOX');
        expect(quota).toMatchObject({ storage: { usage: Math.ceil(used.usedBytes / 1024) * 1024, limit: 2048 * 1024 }, message: { usage: used.usedMessages, limit: 1000 } });
      } finally {
        await c.logout();
      }
    });

    it('names no quota root for an account without limits', async () => {
      const out = await imap(
        'una@example.test',
        `
print(m.getquotaroot('INBOX'))
print(raw(b'q1 GETQUOTA ""')[-1])
`,
      );
      expect(out).toContain(`('OK', [[b'INBOX'], [None]])`);
      expect(out).toMatch(/^q1 NO \[NONEXISTENT\] /m);
    });
  });
});
