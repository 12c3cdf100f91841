// The database gone while the server runs (issue 15): the test's own database is closed to connections
// (ALTER DATABASE ... ALLOW_CONNECTIONS false) and every connection to it ended (pg_terminate_backend).
// Meanwhile SMTP answers 451 4.3.0 (never 250), IMAP sessions get NO, POP3 sessions -ERR, /healthz is
// 503, the delivery loop backs off (one log line for the outage, not one per poll) and the process stays
// up. Once connections are allowed again everything works without a restart, and nothing sent during the
// outage was filed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { createTestDatabase, PG_HOST, PG_PORT, postgresAvailable } from './helpers/postgres.ts';
import { python } from './helpers/python.ts';

const TOKEN = randomBytes(16).toString('hex');

const SEND = `
import smtplib, os
msg = 'From: sender@far.test\\r\\nTo: alice@example.test\\r\\nSubject: %s\\r\\n\\r\\nbody\\r\\n' % os.environ['SUBJECT']
try:
    s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=30)
    s.ehlo('client.test')
    s.sendmail('sender@far.test', ['alice@example.test'], msg)
    s.quit()
    print('sent')
except smtplib.SMTPRecipientsRefused as e:
    code, text = list(e.recipients.values())[0]
    print('refused', code, text.decode())
except smtplib.SMTPResponseException as e:
    print('refused', e.smtp_code, e.smtp_error.decode())
`;

/**
 * Logs in over IMAP (INBOX selected) and POP3 while the database is there, prints "ready", waits for the
 * flag file (the outage), then asks both sessions for the message and prints what they answered.
 */
const SESSIONS_ACROSS_OUTAGE = `
import imaplib, poplib, os, time
m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']))
m.login('alice@example.test', 'alice-pw')
m.select('INBOX')
p = poplib.POP3('127.0.0.1', int(os.environ['POP3']), timeout=30)
p.user('alice@example.test'); p.pass_('alice-pw')
print('ready', flush=True)
while not os.path.exists(os.environ['FLAG']): time.sleep(0.05)
typ, data = m.fetch('1', '(BODY[])')
print('imap-fetch', typ, data[0].decode() if typ != 'OK' else '')
typ, data = m.store('1', '+FLAGS', '(\\\\Flagged)')
print('imap-store', typ, data[0].decode() if typ != 'OK' else '')
try:
    p.retr(1)
    print('pop3-retr +OK')
except poplib.error_proto as e:
    print('pop3-retr', e.args[0].decode())
`;

describe.runIf(postgresAvailable())('the database gone at run time', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let mr: MailroomProcess;
  let admin: pg.Client;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-outage-'));

  const send = (subject: string) => python(SEND, { PORT: String(mr.ports.smtp), SUBJECT: subject }).then((o) => o.trim());
  const health = async () => {
    const res = await mr.admin('/healthz');
    return { status: res.status, body: (await res.json()) as { status: string; database?: string } };
  };

  beforeAll(async () => {
    db = await createTestDatabase('outage');
    admin = new pg.Client({ host: PG_HOST, port: PG_PORT, user: 'postgres', database: 'postgres' });
    await admin.connect();
    mr = await MailroomProcess.create({ env: { MAILROOM_DATABASE_URL: db.url, MAILROOM_NODE_NAME: 'outage-node', MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_LOG_LEVEL: 'info' } });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice-pw');
    await mr.start();
  }, 60_000);

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin?.end();
    await mr?.stop();
    mr?.cleanup();
    await db?.drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses what it cannot commit, says so on every protocol and /healthz, and recovers without a restart', async () => {
    expect(await send('before')).toBe('sent');
    expect(await health()).toEqual({ status: 200, body: { status: 'ok' } });

    const flag = path.join(tmp, 'outage');
    let sessionsOut = '';
    const child = spawn('python3', ['-c', SESSIONS_ACROSS_OUTAGE], {
      env: { ...process.env, IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3), FLAG: flag },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (c: Buffer) => (sessionsOut += c.toString()));
    const sessions = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    while (!sessionsOut.startsWith('ready')) {
      if (child.exitCode !== null) throw new Error(`the sessions ended early: ${sessionsOut}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [db.name]);
    try {
      for (const subject of ['during 1', 'during 2']) expect(await send(subject)).toMatch(/^refused 451 4\.3\.0 /);
      const unhealthy = await health();
      expect(unhealthy.status).toBe(503);
      expect(unhealthy.body.status).toBe('unhealthy');
      expect(unhealthy.body.database).toMatch(/^unreachable: /);
      fs.writeFileSync(flag, '');
      await sessions;
      // A new login cannot be checked either: refused, not let in.
      const newLogin = await python(
        `
import imaplib, poplib, os
try:
    m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP'])); m.login('alice@example.test', 'alice-pw'); print('imap-login OK')
except imaplib.IMAP4.error as e:
    print('imap-login', e)
try:
    p = poplib.POP3('127.0.0.1', int(os.environ['POP3'])); p.user('alice@example.test'); p.pass_('alice-pw'); print('pop3-login +OK')
except poplib.error_proto as e:
    print('pop3-login', e.args[0].decode())
`,
        { IMAP: String(mr.ports.imap), POP3: String(mr.ports.pop3) },
      );
      expect(newLogin).not.toContain('imap-login OK');
      expect(newLogin).not.toContain('pop3-login +OK');
      expect(newLogin).toMatch(/^pop3-login -ERR \[SYS\/TEMP\] /m); // RFC 3206: a temporary failure, try again
      await new Promise((r) => setTimeout(r, 3000)); // a few delivery polls during the outage
    } finally {
      await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    }
    expect(sessionsOut).toMatch(/^imap-fetch NO .*\[UNAVAILABLE\]/m);
    expect(sessionsOut).toMatch(/^imap-store NO .*\[UNAVAILABLE\]/m);
    expect(sessionsOut).toMatch(/^pop3-retr -ERR \[SYS\/TEMP\] /m);

    const back = Date.now();
    while ((await health()).status !== 200) {
      expect(Date.now() - back, 'healthy again within 5 s').toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await send('after')).toBe('sent');
    const subjects = await python(
      `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']))
m.login('alice@example.test', 'alice-pw')
m.select('INBOX')
typ, data = m.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
for part in data:
    if isinstance(part, tuple): print(part[1].decode().strip())
`,
      { PORT: String(mr.ports.imap) },
    );
    expect(subjects.split('\n').filter(Boolean)).toEqual(['Subject: before', 'Subject: after']);
    expect(mr.child?.exitCode, mr.output).toBeNull();
    // The delivery loop backed off: one line for the outage, one for the recovery, not one per poll.
    expect(mr.output.match(/claiming work failed; retrying with backoff/g) ?? []).toHaveLength(1);
  }, 90_000);
});
