// IMAP limits that were constants (issue 16 item 6), lowered and driven with Python's imaplib:
// imap.max_sessions_per_user refuses the login beyond it with NO [LIMIT] (counted as sessions_per_user)
// and lets it in once another session has logged out; imap.idle_timeout_seconds closes a silent session
// with * BYE Autologout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;
const hits: string[] = [];

const imap = (body: string) =>
  python(
    `
import imaplib, os, time
def connect():
    return imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']), timeout=10)
${body}
`,
    { PORT: String(stack.ports.imap) },
  );

beforeAll(async () => {
  stack = await MailStack.start({ MAILROOM_IMAP_MAX_SESSIONS_PER_USER: '2', MAILROOM_IMAP_IDLE_TIMEOUT_SECONDS: '2' });
  stack.service.events.on('limit.hit', ({ protocol, limit }) => hits.push(`${protocol} ${limit}`));
  await stack.addAccount('erin@example.test', 'erin-pw');
  await stack.addAccount('frank@example.test', 'frank-pw');
});

afterAll(async () => {
  await stack?.stop();
});

describe('IMAP session limits as settings', () => {
  it('imap.max_sessions_per_user: the third login of one account gets NO [LIMIT]; others and later ones go in', async () => {
    const out = await imap(`
a, b, c = connect(), connect(), connect()
print('a', a.login('erin@example.test', 'erin-pw')[0])
print('b', b.login('erin@example.test', 'erin-pw')[0])
try:
    c.login('erin@example.test', 'erin-pw'); print('c logged in')
except imaplib.IMAP4.error as e:
    print('c refused', e)
f = connect(); print('other user', f.login('frank@example.test', 'frank-pw')[0]); f.logout()
a.logout()
time.sleep(0.3)
print('c after a logout', c.login('erin@example.test', 'erin-pw')[0])
b.logout(); c.logout()
`);
    expect(out).toContain('a OK\nb OK\n');
    expect(out).toContain("c refused b'[LIMIT] Too many sessions for this user; log out of another one'");
    expect(out).toContain('other user OK');
    expect(out).toContain('c after a logout OK');
    expect(hits).toContain('imap sessions_per_user');
  });

  it('imap.idle_timeout_seconds: a session silent for longer is closed with * BYE Autologout', async () => {
    const out = await imap(`
m = connect()
m.login('frank@example.test', 'frank-pw')
time.sleep(3.5)
try:
    m.noop(); print('still open')
except Exception as e:
    print('closed', type(e).__name__, m.untagged_responses.get('BYE'))
`);
    expect(out).toMatch(/^closed (abort|error)/m);
    expect(out).toContain('Autologout');
  });
});
