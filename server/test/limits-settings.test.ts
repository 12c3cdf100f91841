// The limits.* settings that were constants (issue 14: "every limit a setting, counted when it bites"),
// each lowered far below its default on a real `mailroom serve`, driven with Python's imaplib and poplib
// (and a raw socket where a real client would never send such a command): the lowered value bites where
// the default would not, the client hears the documented answer, and mailroom_connection_limit_hits_total
// counts it under its own limit label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';
import { RawClient } from './helpers/raw-client.ts';

const USER = 'limits@example.test';
const PASSWORD = 'limits-pw';
let mr: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_LIMITS_MAX_CONNECTIONS_PER_LISTENER: '3',
      MAILROOM_LIMITS_MAX_KEYWORDS_PER_MESSAGE: '3',
      MAILROOM_LIMITS_MAX_KEYWORDS_PER_MAILBOX: '5',
      MAILROOM_LIMITS_IMAP_MAX_LINE_BYTES: '8192',
      MAILROOM_LIMITS_IMAP_MAX_LITERAL_BYTES: '1024',
      MAILROOM_LIMITS_IMAP_MAX_COMMAND_BYTES: '16384',
    },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', USER, '--password', PASSWORD);
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

async function hits(protocol: string, limit: string): Promise<number> {
  const metrics = await (await mr.admin('/metrics')).text();
  const m = new RegExp(`^mailroom_connection_limit_hits_total\\{protocol="${protocol}",limit="${limit}"\\} (\\d+)$`, 'm').exec(metrics);
  if (!m) throw new Error(`no series for ${protocol} ${limit}`);
  return Number(m[1]);
}

const imaplib = (body: string) =>
  python(
    `
import imaplib, os
def connect():
    m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']), timeout=10)
    m.login(os.environ['USER'], os.environ['PASSWORD'])
    return m
${body}
`,
    { IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3), USER, PASSWORD },
  );

describe('limits as settings, lowered', () => {
  it('limits.max_connections_per_listener: the fourth IMAP and the fourth POP3 connection are refused', async () => {
    const out = await python(
      `
import imaplib, os, poplib
IMAP = int(os.environ['IMAP']); POP3 = int(os.environ['POP3'])
imap = [imaplib.IMAP4('127.0.0.1', IMAP, timeout=10) for _ in range(3)]
try:
    imaplib.IMAP4('127.0.0.1', IMAP, timeout=10); print('imap4 admitted')
except Exception as e:
    print('imap4 refused:', e)
pop = [poplib.POP3('127.0.0.1', POP3, timeout=10) for _ in range(3)]
try:
    poplib.POP3('127.0.0.1', POP3, timeout=10); print('pop4 admitted')
except Exception as e:
    print('pop4 refused:', e)
for c in imap: c.logout()
for c in pop: c.quit()
`,
      { IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3) },
    );
    expect(out).toMatch(/^imap4 refused: .*Too many connections/m);
    expect(out).toMatch(/^pop4 refused: .*/m);
    expect(out).not.toMatch(/admitted/);
    expect(await hits('imap', 'listener_full')).toBe(1);
    expect(await hits('pop3', 'listener_full')).toBe(1);
  });

  it('limits.max_keywords_per_message and limits.max_keywords_per_mailbox: STORE and APPEND beyond them get NO [LIMIT]', async () => {
    const out = await imaplib(`
m = connect()
msg = b'From: a@remote.test\\r\\nSubject: k\\r\\n\\r\\nbody\\r\\n'
show = lambda name, r: print(name, r[0], r[1][-1].decode() if r[0] != 'OK' else '')
for _ in range(3):
    show('append', m.append('INBOX', None, None, msg))
show('append4', m.append('INBOX', '(a b c d)', None, msg))
m.select('INBOX')
show('store3', m.store('1', '+FLAGS', '(a b c)'))
show('store4', m.store('1', '+FLAGS', '(d)'))
show('store-other', m.store('2', '+FLAGS', '(d e)'))
show('store-mailbox', m.store('3', '+FLAGS', '(f)'))
m.logout()
`);
    expect(out).toMatch(/^append4 NO \[LIMIT\] A message may carry at most 3 keywords/m);
    expect(out).toMatch(/^store3 OK $/m);
    expect(out).toMatch(/^store4 NO \[LIMIT\] .*at most 3 keywords/m);
    // a b c d e: the mailbox's five; a sixth is refused even on a message that has none.
    expect(out).toMatch(/^store-other OK $/m);
    expect(out).toMatch(/^store-mailbox NO \[LIMIT\] A mailbox may have at most 5 keywords/m);
    expect(await hits('imap', 'keywords_per_message')).toBe(2);
    expect(await hits('imap', 'keywords_per_mailbox')).toBe(1);
  });

  it('limits.imap_max_literal_bytes and limits.imap_max_command_bytes refuse before the bytes are sent; limits.imap_max_line_bytes closes', async () => {
    const c = await RawClient.connect(mr.ports.imap);
    await c.waitFor(/^\* OK /m);
    // 2000 octets: under the 64 KiB default, over the 1024 set here. The literal is never sent.
    let mark = c.output.length;
    c.send('a1 LOGIN {2000}\r\n');
    expect(await c.waitFor(/^a1 [^\r]*\r\n/m, 5_000, mark)).toMatch(/^a1 BAD \[TOOBIG\] Literal of 2000 octets is over the limit of 1024\r\n/m);
    // Seventeen literals of 1000 octets: each within the literal limit, together over the 16384 set for a
    // command (1 MiB by default). They are non-synchronising, already on their way: the server closes.
    mark = c.output.length;
    const parts = Array.from({ length: 17 }, () => `{1000+}\r\n${'x'.repeat(1000)}`).join(' ');
    c.send(`a2 SEARCH TEXT ${parts}\r\n`);
    expect(await c.waitFor(/^a2 [^\r]*\r\n/m, 5_000, mark)).toMatch(/^a2 BAD \[TOOBIG\] Command longer than 16384 octets\r\n/m);
    c.close();
    const d = await RawClient.connect(mr.ports.imap);
    await d.waitFor(/^\* OK /m);
    d.send(`b1 LOGIN ${'u'.repeat(9000)} pw\r\n`);
    expect(await d.waitFor(/^b1 [^\r]*\r\n/m)).toMatch(/^b1 BAD Command line longer than 8192 octets\r\n/m);
    await d.waitFor(/^\* BYE /m);
    expect(await hits('imap', 'literal_too_large')).toBe(1);
    expect(await hits('imap', 'command_too_large')).toBe(1);
    expect(await hits('imap', 'line_too_long')).toBe(1);
  });
});
