// IMAP with Python's imaplib, a real client: login, LIST with special-use attributes, SELECT, FETCH of
// whole messages, headers, flags, BODYSTRUCTURE and ENVELOPE (a multipart message with an attachment
// and encoded non-ASCII headers), STORE, SEARCH, COPY, MOVE, EXPUNGE, APPEND, the UID forms, STARTTLS.
// IN-PROCESS until mail-server.ts starts the IMAP listener (see helpers/mail-stack.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FROM_NAME_ENCODED, PDF_BASE64, SUBJECT_ENCODED, TEXT_PART_BODY, multipartReport, plain } from './helpers/messages.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const imap = (body: string, user = 'alice@example.test') =>
  python(
    `
import imaplib, ssl, os, re
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def connect(login=True):
    m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
    if login:
        m.login(os.environ['USER'], 'alice-pw')
    return m
${body}
`,
    { PORT: String(stack.ports.imap), USER: user },
  );

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('alice@example.test', 'alice-pw');
  await stack.deliver('alice@example.test', multipartReport());
  await stack.deliver('alice@example.test', plain('second message', 'Second body.'));
  await stack.deliver('alice@example.test', plain('third message', 'Third body.'));
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP with imaplib', () => {
  it('logs in and lists the mailboxes with their special-use attributes', async () => {
    const out = await imap(`
m = connect()
typ, data = m.list()
for line in data: print(line.decode())
typ, data = m.lsub()
print('lsub', len(data))
m.logout()
`);
    expect(out).toContain('(\\HasNoChildren) "/" INBOX');
    for (const [name, use] of [
      ['Sent', '\\Sent'],
      ['Drafts', '\\Drafts'],
      ['Trash', '\\Trash'],
      ['Junk', '\\Junk'],
    ]) {
      expect(out).toContain(`(\\HasNoChildren ${use}) "/" ${name}`);
    }
    expect(out).toContain('lsub 5');
  });

  it('selects INBOX and reads a whole message and its header; only a non-PEEK read sets \\Seen', async () => {
    const out = await imap(`
m = connect()
typ, data = m.select('INBOX')
print('select', typ, data)
print('uidvalidity', m.untagged_responses.get('UIDVALIDITY'))
typ, data = m.fetch('2', '(BODY.PEEK[HEADER] FLAGS)')
print('header', data[0][0].decode(), repr(data[0][1].decode()))
print('flags after peek', m.fetch('2', '(FLAGS)')[1])
typ, data = m.fetch('2', '(RFC822)')
print('rfc822', repr(data[0][1].decode()), data[1])
print('flags after read', m.fetch('2', '(FLAGS)')[1])
m.logout()
`);
    expect(out).toContain("select OK [b'3']");
    expect(out).toMatch(/^uidvalidity \[b'\d+'\]$/m);
    expect(out).toContain(`header 2 (BODY[HEADER] {`);
    expect(out).toContain(`'From: someone@remote.test\\r\\nTo: alice@example.test\\r\\nSubject: second message\\r\\nDate: Tue, 3 Mar 2026 09:00:00 +0000\\r\\n\\r\\n'`);
    expect(out).toMatch(/^flags after peek \[b'2 \(FLAGS \(\\\\Recent\)\)'\]$/m);
    expect(out).toContain(`rfc822 ${JSON.stringify(plain('second message', 'Second body.')).replace(/"/g, "'")} b' FLAGS (\\\\Seen \\\\Recent))'`);
    expect(out).toMatch(/^flags after read \[b'2 \(FLAGS \(\\\\Seen \\\\Recent\)\)'\]$/m);
  });

  it('reports BODYSTRUCTURE and ENVELOPE of a multipart message with an attachment, headers as sent', async () => {
    const out = await imap(`
m = connect()
m.select('INBOX', readonly=True)
typ, data = m.fetch('1', '(BODYSTRUCTURE ENVELOPE)')
print(data[0].decode())
typ, data = m.fetch('1', '(BODY[2] BODY.PEEK[1.MIME] BODY[1]<0.5>)')
for item in data:
    if isinstance(item, tuple): print('part', item[0].decode(), repr(item[1].decode()))
m.logout()
`);
    const mime = multipartReport();
    const pdfSize = PDF_BASE64.length;
    const textSize = Buffer.byteLength(TEXT_PART_BODY);
    expect(out).toContain(
      `BODYSTRUCTURE (("text" "plain" ("charset" "utf-8") NIL NIL "quoted-printable" ${textSize} 2 NIL NIL NIL NIL)` +
        `("application" "pdf" ("name" "report.pdf") NIL NIL "base64" ${pdfSize} NIL ("attachment" ("filename" "report.pdf")) NIL NIL)` +
        ` "mixed" ("boundary" "b1") NIL NIL NIL)`,
    );
    expect(out).toContain(
      `ENVELOPE ("Mon, 2 Mar 2026 10:00:00 +0100" "${SUBJECT_ENCODED}" (("${FROM_NAME_ENCODED}" NIL "juergen" "remote.test"))` +
        ` (("${FROM_NAME_ENCODED}" NIL "juergen" "remote.test")) (("${FROM_NAME_ENCODED}" NIL "juergen" "remote.test"))` +
        ` (("Alice Example" NIL "alice" "example.test")(NIL NIL "bob" "example.test"))` +
        ` ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL "<report-1@remote.test>")`,
    );
    expect(out).toContain(`part 1 (BODY[2] {${pdfSize}} '${PDF_BASE64}'`);
    expect(out).toContain(`part  BODY[1.MIME] {`);
    expect(out).toContain("'Content-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: quoted-printable\\r\\n\\r\\n'");
    expect(out).toContain("part  BODY[1]<0> {5} 'Hallo'");
    expect(mime).toContain(PDF_BASE64);
  });

  it('sets flags with STORE and finds unread mail with SEARCH, also in UID form', async () => {
    const out = await imap(`
m = connect()
m.select('INBOX')
print('unseen before', m.search(None, 'UNSEEN')[1])
print('store', m.store('1', '+FLAGS', '(\\\\Seen $Important)')[1])
print('unseen after', m.search(None, 'UNSEEN')[1])
print('uid search', m.uid('SEARCH', None, 'KEYWORD', '$Important')[1])
print('uid store', m.uid('STORE', '3', '+FLAGS.SILENT', '(\\\\Flagged)'))
print('flagged', m.search(None, 'FLAGGED')[1])
print('text', m.search(None, 'TEXT', 'Third')[1], m.search(None, 'HEADER', 'Message-ID', 'report-1')[1])
print('or', m.search(None, 'OR', 'FLAGGED', 'KEYWORD', '$Important')[1])
m.logout()
`);
    expect(out).toContain("unseen before [b'1 3']");
    expect(out).toMatch(/^store \[b'1 \(FLAGS \(\\\\Seen \$Important( \\\\Recent)?\)\)'\]$/m);
    expect(out).toContain("unseen after [b'3']");
    expect(out).toContain("uid search [b'1']");
    expect(out).toContain("uid store ('OK', [None])");
    expect(out).toContain("flagged [b'3']");
    expect(out).toContain("text [b'3'] [b'1']");
    expect(out).toContain("or [b'1 3']");
  });

  it('copies, moves and expunges with UIDPLUS codes, in sequence and UID forms', async () => {
    const out = await imap(`
m = connect()
m.select('INBOX')
print('copy', m.copy('2', 'Trash'))
print('uid copy', m.uid('COPY', '3', 'Trash')[0])
print('copy missing', m.copy('1', 'Nowhere'))
m.create('Archive/2026')
typ, data = m._simple_command('MOVE', '1', 'Archive/2026')
print('move', typ, data, m.untagged_responses.pop('OK', None), m.untagged_responses.pop('EXPUNGE', None))
print('exists after move', m.select('INBOX')[1])
m.store('1', '+FLAGS', '(\\\\Deleted)')
typ, data = m.expunge()
print('expunge', typ, data)
print('left', m.uid('SEARCH', None, 'ALL')[1])
print('trash', m.status('Trash', '(MESSAGES UIDNEXT)')[1])
m.select('Archive/2026')
print('archived', m.uid('FETCH', '1:*', '(UID BODY.PEEK[HEADER.FIELDS (Subject)])')[1][0])
m.logout()
`);
    expect(out).toMatch(/^copy \('OK', \[b'\[COPYUID \d+ 2 1\] COPY completed'\]\)$/m);
    expect(out).toContain('uid copy OK');
    expect(out).toContain("copy missing ('NO', [b'[TRYCREATE] Mailbox \"Nowhere\" does not exist'])");
    expect(out).toMatch(/^move OK \[b'MOVE completed'\] \[b'\[COPYUID \d+ 1 1\] Moved'\] \[b'1'\]$/m);
    expect(out).toContain("exists after move [b'2']");
    expect(out).toContain("expunge OK [b'1']");
    expect(out).toContain("left [b'3']");
    expect(out).toContain("trash [b'Trash (MESSAGES 2 UIDNEXT 3)']");
    expect(out).toMatch(/archived \(b'1 \(UID 1 BODY\[HEADER.FIELDS \(Subject\)\] \{\d+\}', b'Subject: =\?UTF-8\?B\?/);
  });

  it('appends with flags and an internal date, answering APPENDUID', async () => {
    const out = await imap(`
m = connect()
date = imaplib.Time2Internaldate(1700000000)
print('append', m.append('Drafts', '(\\\\Draft \\\\Seen)', date, b'Subject: draft\\r\\n\\r\\nnot sent yet\\r\\n'))
print('missing', m.append('NoSuchBox', None, None, b'Subject: x\\r\\n\\r\\ny\\r\\n'))
m.select('Drafts')
print('fetch', m.fetch('1', '(FLAGS INTERNALDATE RFC822.SIZE)')[1])
m.logout()
`);
    expect(out).toMatch(/^append \('OK', \[b'\[APPENDUID \d+ 1\] APPEND completed'\]\)$/m);
    expect(out).toContain("missing ('NO', [b'[TRYCREATE] Mailbox \"NoSuchBox\" does not exist'])");
    expect(out).toContain('fetch [b\'1 (FLAGS (\\\\Draft \\\\Seen \\\\Recent) INTERNALDATE "14-Nov-2023 22:13:20 +0000" RFC822.SIZE 32)\']');
  });

  it('creates, renames, subscribes and deletes mailboxes, non-ASCII names in modified UTF-7', async () => {
    const out = await imap(`
m = connect()
print('create', m.create('Entw&APw-rfe/alt'))
print('list', m.list('""', 'Entw*')[1])
print('rename', m.rename('Entw&APw-rfe', 'Projekte'))
print('after rename', m.list('""', 'Projekte*')[1])
print('subscribe', m.subscribe('Projekte/alt'), m.lsub('""', 'Projekte*')[1])
print('delete parent', m.delete('Projekte'))
print('delete', m.delete('Projekte/alt'), m.delete('Projekte'))
print('lsub keeps name', m.lsub('""', 'Projekte*')[1])
print('delete inbox', m.delete('INBOX'))
print('create existing', m.create('inbox'))
m.logout()
`);
    expect(out).toContain("create ('OK', [b'CREATE completed'])");
    expect(out).toContain('list [b\'(\\\\HasChildren) "/" Entw&APw-rfe\', b\'(\\\\HasNoChildren) "/" Entw&APw-rfe/alt\']');
    expect(out).toContain('after rename [b\'(\\\\HasChildren) "/" Projekte\', b\'(\\\\HasNoChildren) "/" Projekte/alt\']');
    expect(out).toContain("subscribe ('OK', [b'SUBSCRIBE completed']) [b'(\\\\HasNoChildren) \"/\" Projekte/alt']");
    expect(out).toContain("delete parent ('NO', [b'[CANNOT] mailbox Projekte has child mailboxes; delete them first'])");
    expect(out).toContain('lsub keeps name [b\'(\\\\Noselect) "/" Projekte/alt\']');
    expect(out).toContain("delete inbox ('NO', [b'[CANNOT] INBOX cannot be deleted'])");
    expect(out).toContain("create existing ('NO', [b'[ALREADYEXISTS] mailbox INBOX already exists'])");
  });

  it('upgrades with STARTTLS and logs in over TLS', async () => {
    const out = await imap(`
m = connect(login=False)
print('before', 'STARTTLS' in m.capabilities, 'AUTH=PLAIN' in m.capabilities)
m.starttls(ssl_context=ctx)
print('after', 'STARTTLS' in m.capabilities)
print('login', m.login(os.environ['USER'], 'alice-pw')[0])
print('wrong', connect(login=False).login(os.environ['USER'], 'nope') if False else '')
m.logout()
try:
    connect(login=False).login(os.environ['USER'], 'nope')
except imaplib.IMAP4.error as e:
    print('failed login', e)
`);
    expect(out).toContain('before True True');
    expect(out).toContain('after False');
    expect(out).toContain('login OK');
    expect(out).toContain("failed login b'[AUTHENTICATIONFAILED] Authentication failed'");
  });
});
