// POP3 with Python's poplib, a real client: the listing commands, RETR and TOP with byte-stuffing,
// deletions applied only at QUIT (and forgotten by RSET or a dropped connection), STLS, the maildrop
// lock, AUTH PLAIN, and failed logins reported on the event bus.
// IN-PROCESS until mail-server.ts starts the POP3 listener (see helpers/mail-stack.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;
const PASSWORD = 'pop secret with spaces';

const pop = (body: string, user = 'carol@example.test') =>
  python(
    `
import poplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def connect(login=True):
    p = poplib.POP3('127.0.0.1', int(os.environ['PORT']), timeout=10)
    if login:
        p.user(os.environ['USER']); p.pass_(os.environ['PASS'])
    return p
${body}
`,
    { PORT: String(stack.ports.pop3), USER: user, PASS: PASSWORD },
  );

const message = (subject: string, body: string) => `From: sender@remote.test\r\nTo: carol@example.test\r\nSubject: ${subject}\r\n\r\n${body}`;

beforeAll(async () => {
  stack = await MailStack.start();
  await stack.addAccount('carol@example.test', PASSWORD);
  await stack.addAccount('dave@example.test', PASSWORD);
  await stack.deliver('carol@example.test', message('first', 'line one\r\n.starts with a dot\r\nline three\r\n'));
  await stack.deliver('carol@example.test', message('second', 'only line\r\n'));
});

afterAll(async () => {
  await stack?.stop();
});

describe('POP3 with poplib', () => {
  it('lists, identifies, reads and previews messages', async () => {
    const out = await pop(`
p = connect()
count, size = p.stat()
print('stat', count, size)
resp, listing, _ = p.list()
print('list', [l.decode() for l in listing])
resp, uidl, _ = p.uidl()
print('uidl', [l.decode() for l in uidl])
print('uidl1', p.uidl(1).decode())
resp, lines, octets = p.retr(1)
print('retr', lines)
resp, lines, octets = p.top(1, 1)
print('top', lines)
print('quit', p.quit().decode())
`);
    const stat = /^stat 2 (\d+)$/m.exec(out);
    expect(stat).not.toBeNull();
    const sizes = /^list \['1 (\d+)', '2 (\d+)'\]$/m.exec(out)!;
    expect(Number(sizes[1]) + Number(sizes[2])).toBe(Number(stat![1]));
    const ids = /^uidl \['1 (\S+)', '2 (\S+)'\]$/m.exec(out)!;
    expect(ids[1]).not.toBe(ids[2]);
    expect(out).toContain(`uidl1 +OK 1 ${ids[1]}`);
    // poplib removes the byte-stuffing: the body line that starts with "." comes back intact.
    expect(out).toContain("b'Subject: first', b'', b'line one', b'.starts with a dot', b'line three'");
    expect(out).toMatch(/^top \[.*b'Subject: first', b'', b'line one'\]$/m);
    expect(out).toMatch(/^quit \+OK .*\(0 messages deleted\)/m);
  });

  it('keeps unique ids across sessions', async () => {
    const first = await pop(`p = connect(); print([l.decode() for l in p.uidl()[1]]); p.quit()`);
    const second = await pop(`p = connect(); print([l.decode() for l in p.uidl()[1]]); p.quit()`);
    expect(second).toBe(first);
  });

  it('forgets deletions on RSET and on a dropped connection, and applies them at QUIT', async () => {
    const out = await pop(`
p = connect()
p.dele(2)
print('after dele', p.stat())
try:
    p.retr(2)
except poplib.error_proto as e:
    print('retr deleted', e)
p.rset()
print('after rset', p.stat())
p.dele(2)
p.close()  # no QUIT: RFC 1939 says nothing is removed
p = connect()
print('after drop', p.stat()[0])
p.dele(2)
print('quit', p.quit().decode())
p = connect()
print('after quit', p.stat()[0], [l.decode() for l in p.list()[1]])
p.quit()
`);
    expect(out).toMatch(/^after dele \(1, \d+\)$/m);
    expect(out).toContain("retr deleted b'-ERR Message 2 already deleted'");
    expect(out).toMatch(/^after rset \(2, \d+\)$/m);
    expect(out).toContain('after drop 2');
    expect(out).toMatch(/^quit \+OK .*\(1 messages deleted\)/m);
    expect(out).toMatch(/^after quit 1 \['1 \d+'\]$/m);
    const inbox = (await stack.store.findMailbox((await stack.store.findAccount('carol@example.test'))!.id, 'INBOX'))!;
    expect((await stack.store.listMail(inbox.id)).map((m) => m.uid)).toEqual([1]);
  });

  it('refuses a second session on the same maildrop with [IN-USE], and allows it after QUIT', async () => {
    const out = await pop(`
p = connect()
q = connect(login=False)
q.user(os.environ['USER'])
try:
    q.pass_(os.environ['PASS'])
except poplib.error_proto as e:
    print('second', e)
other = poplib.POP3('127.0.0.1', int(os.environ['PORT']), timeout=10)
other.user('dave@example.test'); print('other account', other.pass_(os.environ['PASS']).decode()); other.quit()
p.quit()
q.user(os.environ['USER'])
print('after quit', q.pass_(os.environ['PASS']).decode())
q.quit()
`);
    expect(out).toContain("second b'-ERR [IN-USE] Maildrop is in use by another POP3 session'");
    expect(out).toMatch(/^other account \+OK Logged in, 0 messages/m);
    expect(out).toMatch(/^after quit \+OK Logged in/m);
  });

  it('upgrades with STLS and logs in over TLS', async () => {
    const out = await pop(`
p = connect(login=False)
print('capa before', sorted(p.capa().keys()))
p.stls(context=ctx)
print('capa after', sorted(p.capa().keys()))
p.user(os.environ['USER']); p.pass_(os.environ['PASS'])
print('tls stat', p.stat()[0])
p.quit()
`);
    expect(out).toMatch(/^capa before \[.*'STLS'.*\]$/m);
    expect(out).toMatch(/^capa after \[(?!.*'STLS').*'USER'.*\]$/m);
    expect(out).toContain('tls stat 1');
  });

  it('logs in with AUTH PLAIN and reports failed logins on the event bus', async () => {
    const failures: string[] = [];
    const onFailed = (e: { protocol: string }) => failures.push(e.protocol);
    stack.service.events.on('auth.failed', onFailed);
    try {
      const out = await pop(`
import base64
p = connect(login=False)
b64 = base64.b64encode(('\\0' + os.environ['USER'] + '\\0' + os.environ['PASS']).encode()).decode()
print('auth', p._shortcmd('AUTH PLAIN ' + b64).decode())
p.quit()
q = connect(login=False)
q.user(os.environ['USER'])
try:
    q.pass_('wrong')
except poplib.error_proto as e:
    print('bad pass', e)
q.quit()
`);
      expect(out).toMatch(/^auth \+OK Logged in/m);
      expect(out).toContain("bad pass b'-ERR [AUTH] Authentication failed'");
      expect(failures).toEqual(['pop3']);
    } finally {
      stack.service.events.off('auth.failed', onFailed);
    }
  });

  it('reports every session to the session registry and removes it when it ends', async () => {
    await pop(`p = connect(); p.quit()`);
    await waitFor(
      () => stack.service.sessions.counts().pop3,
      (n) => n === 0,
      5_000,
      'POP3 sessions to close',
    );
    expect(stack.service.sessions.openedTotals().pop3).toBeGreaterThan(0);
  });
});
