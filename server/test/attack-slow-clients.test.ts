// Slowloris against every listener: 3,000 connections from 60 addresses (127.0.1.1-60, 1,000 each on
// MX, IMAP and POP3), each sending one byte every 10 s, the way the attacker did. Before the limits
// on unauthenticated sessions they filled IMAP's and POP3's 1,000 slots and kept honest clients out for
// the whole attack. Now each address gets limits.max_unauthenticated_per_ip sessions that have not logged
// in, the oldest waiting session makes room when limits.max_unauthenticated are open, and a line trickled
// over longer than limits.line_timeout_seconds is cut. Honest clients (Python's smtplib, imaplib, poplib)
// must get through on all three throughout, and /healthz must answer within 100 ms. Bounded: about 30 s.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchHealth } from './helpers/health-watch.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const ADDRESSES = 60;
const PER_LISTENER = 1000;
const TRICKLE_MS = 10_000;
const ATTACK_MS = 26_000;
const run = promisify(execFile);
let mr: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: {
      // The default is 30 s; 15 s lets the test see trickled lines cut within its bounded run.
      MAILROOM_LIMITS_LINE_TIMEOUT_SECONDS: '15',
      MAILROOM_LOG_LEVEL: 'warn',
    },
  });
  await mr.cli('domain', 'add', 'slow.test');
  await mr.cli('account', 'add', 'honest@slow.test', '--password', 'honest password');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

/** Starts the attack in its own process; resolves with its summary when it has ended. */
function slowClients(): Promise<string> {
  const script = fileURLToPath(new URL('./helpers/slow-clients.mjs', import.meta.url));
  return run(process.execPath, [script], {
    env: {
      ...process.env,
      PORTS: [mr.ports.smtp, mr.ports.imap, mr.ports.pop3].join(','),
      PER_PORT: String(PER_LISTENER),
      ADDRESSES: String(ADDRESSES),
      TRICKLE_MS: String(TRICKLE_MS),
      DURATION_MS: String(ATTACK_MS),
    },
    timeout: ATTACK_MS + 30_000,
  }).then((r) => r.stdout.trim());
}

const HONEST = `
import imaplib, os, poplib, smtplib
SMTP = int(os.environ['SMTP']); IMAP = int(os.environ['IMAP']); POP3 = int(os.environ['POP3'])
def attempt(name, fn):
    try: fn(); print(name, 'ok')
    except Exception as e: print(name, 'failed:', repr(e)[:200])
def mx():
    s = smtplib.SMTP('127.0.0.1', SMTP, timeout=10); s.sendmail('friend@elsewhere.test', ['honest@slow.test'], 'Subject: hi\\r\\n\\r\\nhello\\r\\n'); s.quit()
def imap():
    m = imaplib.IMAP4('127.0.0.1', IMAP, timeout=10); m.login('honest@slow.test', 'honest password'); m.select('INBOX'); m.logout()
def pop():
    p = poplib.POP3('127.0.0.1', POP3, timeout=10); p.user('honest@slow.test'); p.pass_('honest password'); p.stat(); p.quit()
attempt('mx', mx); attempt('imap', imap); attempt('pop3', pop)
`;

describe('slow clients', () => {
  it('3,000 trickling connections from 60 addresses do not keep honest clients out of MX, IMAP or POP3', async () => {
    const health = await watchHealth(mr);
    const attack = slowClients();
    const started = Date.now();
    const rounds: string[] = [];
    // Honest clients at the start of the attack, in the middle and near its end.
    for (const at of [2_000, 12_000, 22_000]) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + at - Date.now())));
      rounds.push(await python(HONEST, { SMTP: String(mr.ports.smtp), IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3) }));
    }
    const attacker = await attack;
    const { slowestMs, failures, probes } = await health.stop();
    const metrics = await (await mr.admin('/metrics')).text();
    const hits = (limit: string) =>
      [...metrics.matchAll(new RegExp(`^mailroom_connection_limit_hits_total\\{protocol="[a-z0-9]+",limit="${limit}"\\} (\\S+)$`, 'gm'))].reduce((sum, m) => sum + Number(m[1]), 0);
    console.log(
      'slow clients:',
      JSON.stringify({ attacker, rounds, slowestMs, probes, perIp: hits('unauthenticated_per_ip'), evicted: hits('unauthenticated_evicted'), lineTimeout: hits('line_timeout') }),
    );
    for (const round of rounds) expect(round.trim().split('\n')).toEqual(['mx ok', 'imap ok', 'pop3 ok']);
    // The limits did the work, and say so: refused per address, or closed to make room for newer clients.
    expect(hits('unauthenticated_per_ip') + hits('unauthenticated_evicted')).toBeGreaterThan(2000);
    expect(hits('line_timeout')).toBeGreaterThan(0);
    expect(failures).toBe(0);
    expect(slowestMs).toBeLessThan(100);
  }, 90_000);
});
