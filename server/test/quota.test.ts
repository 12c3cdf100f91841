// Storage quotas with real clients, on SQLite and PostgreSQL: Python's smtplib hears 552 5.2.2 at RCPT
// when SIZE= says the message will not fit and at DATA when it does not, swaks sees the same for a
// mailbox already full, imaplib's APPEND and COPY get NO [OVERQUOTA]; nothing refused is stored, and mail
// that fits still arrives. Each refusal is counted as mailroom_smtp_rejections_total{reason="over_quota"}.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from './helpers/postgres.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const haveSwaks = requireCommand('swaks', 'SMTP client for the quota test');

const backends: { name: string; env: () => Promise<Record<string, string>>; drop?: () => Promise<void> }[] = [{ name: 'sqlite', env: async () => ({}) }];
if (postgresAvailable()) {
  let drop: (() => Promise<void>) | undefined;
  backends.push({
    name: 'postgres',
    env: async () => {
      const db = await createTestDatabase('quota_e2e');
      drop = db.drop;
      return { MAILROOM_DATABASE_URL: db.url };
    },
    drop: () => drop?.() ?? Promise.resolve(),
  });
}

const QUOTA = 4000;

const SMTP = `
import smtplib, os
port = int(os.environ['SMTP'])
def body(n):
    return ('From: s@far.test\\r\\nSubject: %d bytes\\r\\n\\r\\n' % n + 'x' * n + '\\r\\n').encode()
def send(label, n, size=None):
    s = smtplib.SMTP('127.0.0.1', port, timeout=10)
    s.ehlo('client.far.test')
    opts = ['SIZE=%d' % size] if size else []
    code, msg = s.mail('s@far.test', opts)
    code, msg = s.rcpt('quinn@example.test')
    if code != 250:
        print(label, 'rcpt', code, msg.decode()); s.quit(); return
    code, msg = s.data(body(n))
    print(label, 'data', code, msg.decode().split(':')[0] if code == 250 else msg.decode())
    s.quit()
send('small', 500)
send('declared-too-big', 500, size=10000)
send('undeclared-too-big', 5000)
send('fills', 2500)
`;

const IMAP = `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']))
m.login('quinn@example.test', 'quinn-secret')
typ, data = m.append('INBOX', None, None, b'Subject: big\\r\\n\\r\\n' + b'y' * 2000 + b'\\r\\n')
print('append', typ, data[0].decode())
m.select('INBOX')
typ, data = m.copy('1:*', 'Archive')
print('copy', typ, data[0].decode())
typ, data = m.search(None, 'ALL')
print('inbox', len(data[0].split()))
m.logout()
`;

describe.each(backends)('quotas on $name', (backend) => {
  let stack: MailStack;

  beforeAll(async () => {
    stack = await MailStack.start({ ...(await backend.env()), MAILROOM_QUOTA_DEFAULT_BYTES: String(QUOTA) });
    await stack.addAccount('quinn@example.test', 'quinn-secret');
    const id = (await stack.store.findAccount('quinn@example.test'))!.id;
    await stack.store.createMailbox(id, 'Archive');
  });
  afterAll(async () => {
    await stack?.stop();
    await backend.drop?.();
  });

  const usage = async () => {
    const id = (await stack.store.findAccount('quinn@example.test'))!.id;
    const q = (await stack.store.getQuota(id))!;
    return { bytes: q.usedBytes, messages: q.usedMessages };
  };

  it('answers 552 5.2.2 at RCPT (SIZE=) and at DATA, and stores only what fits', async () => {
    const out = (await python(SMTP, { SMTP: String(stack.ports.smtp) })).trim().split('\n');
    expect(out[0]).toBe('small data 250 2.0.0 Ok');
    expect(out[1]).toBe('declared-too-big rcpt 552 5.2.2 <quinn@example.test>: Mailbox full: over its storage quota');
    expect(out[2]).toBe('undeclared-too-big data 552 5.2.2 <quinn@example.test>: Mailbox full: over its storage quota');
    expect(out[3]).toBe('fills data 250 2.0.0 Ok');
    const used = await usage();
    expect(used.messages).toBe(2);
    expect(used.bytes).toBeGreaterThan(3000);
    expect(used.bytes).toBeLessThanOrEqual(QUOTA);
    const rejections = await stack.service.metrics.registry.getSingleMetricAsString('mailroom_smtp_rejections_total');
    expect(rejections).toMatch(/reason="over_quota"\} 2$/m);
  });

  it.runIf(haveSwaks)('refuses a full mailbox at RCPT for swaks too', async () => {
    const args = ['--server', `127.0.0.1:${stack.ports.smtp}`, '--to', 'quinn@example.test', '--from', 's@far.test', '--helo', 'client.far.test', '--body', 'x'.repeat(1500)];
    // swaks exits non-zero on a refusal; its transcript is what counts.
    const { stdout } = await run('swaks', args, { timeout: 30_000 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    expect(stdout).toContain('<** 552 5.2.2 <quinn@example.test>: Mailbox full: over its storage quota');
  });

  it('answers NO [OVERQUOTA] to APPEND and COPY with imaplib, storing nothing', async () => {
    const before = await usage();
    const out = (await python(IMAP, { IMAP: String(stack.ports.imap) })).trim().split('\n');
    expect(out[0]).toMatch(/^append NO \[OVERQUOTA\] /);
    expect(out[1]).toMatch(/^copy NO \[OVERQUOTA\] /);
    expect(out[2]).toBe('inbox 2');
    expect(await usage()).toEqual(before);
  });

  it('counts the account in mailroom_accounts_near_quota once it uses 90% of a limit', async () => {
    const gauge = async () => (await stack.service.metrics.registry.getSingleMetricAsString('mailroom_accounts_near_quota')).trim().split('\n').pop();
    await stack.store.setQuota('quinn@example.test', { messages: 3 });
    expect(await gauge()).toBe('mailroom_accounts_near_quota 0');
    await stack.store.setQuota('quinn@example.test', { messages: 2 });
    expect(await gauge()).toBe('mailroom_accounts_near_quota 1');
    await stack.store.setQuota('quinn@example.test', { messages: null });
  });

  it('lets mail in again once the account has a larger quota of its own', async () => {
    await stack.store.setQuota('quinn@example.test', { bytes: 1_000_000 });
    const out = (await python(SMTP, { SMTP: String(stack.ports.smtp) })).trim().split('\n');
    expect(out).toEqual(['small data 250 2.0.0 Ok', 'declared-too-big data 250 2.0.0 Ok', 'undeclared-too-big data 250 2.0.0 Ok', 'fills data 250 2.0.0 Ok']);
    expect((await usage()).messages).toBe(6);
  });
});
