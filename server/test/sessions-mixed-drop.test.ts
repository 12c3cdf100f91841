// The session registry never drifts: 50 concurrent real clients (Python's smtplib, imaplib, poplib) of
// mixed protocols connect at once, and while all are connected /metrics shows each protocol's count;
// then half leave politely (QUIT/LOGOUT) and half drop their sockets (some with a FIN, some with a
// reset, some IMAP ones in the middle of IDLE), and mailroom_sessions returns to 0 for every protocol.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const TOKEN = 'sessions-test-admin-token-3c9a1f7e52';
const PASSWORD = 'session-test-password';
const CLIENTS = 50;
let mr: MailroomProcess;

async function sessionGauges(): Promise<Record<string, number>> {
  const text = await (await mr.admin('/metrics')).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^mailroom_sessions\{protocol="(\w+)"\} (\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

beforeAll(async () => {
  // The default limits.max_sessions_per_ip (50) admits exactly these 50 clients from one address; they all
  // connect before logging in, so limits.max_unauthenticated_per_ip (30) is raised past them.
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_LIMITS_MAX_UNAUTHENTICATED_PER_IP: '100' } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.start();
  // A maildrop takes one POP3 session at a time, so every POP3 client gets its own account.
  for (let i = 0; i < CLIENTS; i += 3) {
    const res = await mr.admin('/api/v1/accounts', {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ address: `user${i}@example.test`, password: PASSWORD }),
    });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('session registry under mixed concurrent clients', () => {
  it('counts 50 open sessions per protocol and returns to zero after half of them drop their sockets', async () => {
    const out = await python(
      `
import imaplib, os, poplib, smtplib, socket, struct, threading, urllib.request
N = int(os.environ['N']); PW = os.environ['PW']
connected = threading.Barrier(N + 1); measured = threading.Barrier(N + 1)
errors = []

def drop(sock, reset):
    if reset:  # SO_LINGER 0: close sends a TCP reset instead of a FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    os.close(sock.detach())  # the fd itself, whatever file objects the client library still holds

def client(i):
    kind = ('smtp', 'imap', 'pop3')[i % 3]
    polite = i % 2 == 0
    try:
        if kind == 'smtp':
            c = smtplib.SMTP('127.0.0.1', int(os.environ['SMTP']), timeout=30); c.ehlo('client%d.test' % i)
        elif kind == 'imap':
            c = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP'])); c.login('user0@example.test', PW); c.select('INBOX')
            if not polite and i % 4 == 1:
                c.send(b'idle1 IDLE\\r\\n'); assert c.readline().startswith(b'+')
        else:
            c = poplib.POP3('127.0.0.1', int(os.environ['POP3']), timeout=30); c.user('user%d@example.test' % (i - 2)); c.pass_(PW)
    except Exception as e:
        errors.append('%s %d: %r' % (kind, i, e)); c = None
    connected.wait(); measured.wait()
    if c is None: return
    if polite:
        {'smtp': lambda: c.quit(), 'imap': lambda: c.logout(), 'pop3': lambda: c.quit()}[kind]()
    else:
        drop(c.sock, reset=(i % 4 == 3))

threads = [threading.Thread(target=client, args=(i,)) for i in range(N)]
for t in threads: t.start()
connected.wait()
for line in urllib.request.urlopen('http://127.0.0.1:%s/metrics' % os.environ['ADMIN']).read().decode().splitlines():
    if line.startswith('mailroom_sessions{'): print(line)
measured.wait()
for t in threads: t.join()
print('errors', errors)
`,
      { N: String(CLIENTS), PW: PASSWORD, SMTP: String(mr.ports.smtp), IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3), ADMIN: String(mr.ports.admin) },
    );
    expect(out).toContain('errors []');
    // While all 50 were connected: 17 SMTP (i % 3 == 0), 17 IMAP, 16 POP3.
    expect(out).toContain('mailroom_sessions{protocol="smtp"} 17');
    expect(out).toContain('mailroom_sessions{protocol="imap"} 17');
    expect(out).toContain('mailroom_sessions{protocol="pop3"} 16');
    const after = await waitFor(sessionGauges, (g) => g.smtp === 0 && g.imap === 0 && g.pop3 === 0 && g.submission === 0, 30_000, 'every session to close');
    expect(after).toEqual({ smtp: 0, submission: 0, pop3: 0, imap: 0 });
    const status = await (await mr.admin('/api/v1/status', { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
    expect(status.sessions).toEqual({ smtp: 0, submission: 0, pop3: 0, imap: 0 });
  });
});
