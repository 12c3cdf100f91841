// limits.max_sessions_per_ip with real clients (Python's imaplib and poplib): sessions from one address
// count across protocols, one over the limit is refused at connect with a reason the client can show,
// and a slot freed by a client that leaves is available again at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

let mr: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create({ env: { MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: '4' } });
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('sessions per IP address', () => {
  it('refuses a session beyond the limit on IMAP and POP3, and admits again once one leaves', async () => {
    const out = await python(
      `
import imaplib, os, poplib, time
IMAP = int(os.environ['IMAP']); POP3 = int(os.environ['POP3'])
def attempt(name, connect):
    try:
        c = connect(); print(name, 'admitted'); return c
    except Exception as e:
        print(name, 'refused:', e); return None
held = [imaplib.IMAP4('127.0.0.1', IMAP), imaplib.IMAP4('127.0.0.1', IMAP), poplib.POP3('127.0.0.1', POP3, timeout=10), poplib.POP3('127.0.0.1', POP3, timeout=10)]
attempt('imap5', lambda: imaplib.IMAP4('127.0.0.1', IMAP))
attempt('pop5', lambda: poplib.POP3('127.0.0.1', POP3, timeout=10))
held.pop().quit()
# The server forgets the session just after its +OK to QUIT; give it a moment before giving up.
for _ in range(50):
    try:
        again = imaplib.IMAP4('127.0.0.1', IMAP); print('imap-after-quit admitted'); again.logout(); break
    except Exception:  # refused: imaplib raises on the BYE greeting
        time.sleep(0.1)
for c in held: (c.logout if isinstance(c, imaplib.IMAP4) else c.quit)()
`,
      { IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3) },
    );
    expect(out).toMatch(/^imap5 refused: .*Too many connections from your address/m);
    expect(out).toMatch(/^pop5 refused: .*\[SYS\/TEMP\] Too many connections from your address/m);
    expect(out).toContain('imap-after-quit admitted');
  });
});
