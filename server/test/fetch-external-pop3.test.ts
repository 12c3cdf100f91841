// External POP3 accounts between two real Mailroom processes: the local instance collects from the
// remote instance's POP3 server into alice's INBOX (read back with Python's imaplib), each message counts
// as processed, a restart does not fetch anything twice (keep-on-server mode), delete mode empties the
// remote maildrop (checked with poplib), STLS and implicit TLS work (the latter through a TLS relay in
// front of the remote's POP3 port, with the remote's own certificate), and the password is never
// returned or logged.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const TOKEN = 'fetch-test-admin-token-8d1e4b2c6a';
const REMOTE_PASSWORD = 'remote-pop-password-6f3a';
const ALICE_PASSWORD = 'alice-local-password';
let remote: MailroomProcess;
let local: MailroomProcess;

const api = async (mr: MailroomProcess, path: string, method = 'GET', body?: unknown) => {
  const res = await mr.admin(path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : null };
};

const message = (to: string, subject: string) => `From: someone@elsewhere.test\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n.a line starting with a dot\r\n`;

async function inject(to: string, subject: string): Promise<void> {
  const res = await api(remote, '/api/v1/messages', 'POST', { from: 'someone@elsewhere.test', to: [to], raw: message(to, subject) });
  expect(res.status).toBe(201);
}

/** Subjects in alice's INBOX on the local instance, in UID order, read over IMAP. */
async function inboxSubjects(): Promise<string[]> {
  const out = await python(
    `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']))
m.login('alice@local.test', os.environ['PASS'])
m.select('INBOX', readonly=True)
for num in m.search(None, 'ALL')[1][0].split():
    data = m.fetch(num, '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1][0][1].decode()
    print(data.strip())
m.logout()
`,
    { PORT: String(local.ports.imap), PASS: ALICE_PASSWORD },
  );
  return out
    .split('\n')
    .filter((l) => l.startsWith('Subject: '))
    .map((l) => l.slice('Subject: '.length));
}

/** Messages in a remote maildrop, over POP3; waits while the fetcher holds the maildrop ([IN-USE]). */
async function remoteCount(user: string): Promise<number> {
  const out = await python(
    `
import poplib, os, time
for attempt in range(100):
    try:
        p = poplib.POP3('127.0.0.1', int(os.environ['PORT']), timeout=10)
        p.user(os.environ['USER']); p.pass_(os.environ['PASS'])
        print(p.stat()[0]); p.quit(); break
    except poplib.error_proto as e:
        if b'IN-USE' not in e.args[0]: raise
        time.sleep(0.1)
`,
    { PORT: String(remote.ports.pop3), USER: user, PASS: REMOTE_PASSWORD },
  );
  return Number(out.trim());
}

const processed = async () => (await api(local, '/api/v1/status')).json.processedMessages as number;

beforeAll(async () => {
  remote = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await remote.cli('domain', 'add', 'remote.test');
  await remote.cli('account', 'add', 'keep@remote.test', '--password', REMOTE_PASSWORD);
  await remote.cli('account', 'add', 'del@remote.test', '--password', REMOTE_PASSWORD);
  local = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await local.cli('domain', 'add', 'local.test');
  await local.cli('account', 'add', 'alice@local.test', '--password', ALICE_PASSWORD);
  await Promise.all([remote.start(), local.start()]);
  for (const subject of ['keep-1', 'keep-2']) await inject('keep@remote.test', subject);
  for (const subject of ['del-1', 'del-2']) await inject('del@remote.test', subject);
});

afterAll(async () => {
  await Promise.all([local?.stop(), remote?.stop()]);
  local?.cleanup();
  remote?.cleanup();
});

describe('external POP3 accounts', () => {
  let keepId: number;
  let delId: number;

  it('keep on server: fetched on its interval into the local INBOX, counted as processed, left on the remote', async () => {
    const added = await local.cli(
      'fetch-account',
      'add',
      'alice@local.test',
      '--host',
      '127.0.0.1',
      '--port',
      String(remote.ports.pop3),
      '--security',
      'none',
      '--user',
      'keep@remote.test',
      '--password',
      REMOTE_PASSWORD,
      '--interval',
      '1',
    );
    keepId = Number(/added external account (\d+)/.exec(added)![1]);
    expect(await waitFor(inboxSubjects, (s) => s.length === 2, 20_000, 'two fetched messages')).toEqual(['keep-1', 'keep-2']);
    expect(await processed()).toBe(2);
    expect(await remoteCount('keep@remote.test')).toBe(2);
    const raw = await python(
      `
import imaplib, os
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT'])); m.login('alice@local.test', os.environ['PASS']); m.select('INBOX')
print(m.fetch(b'1', '(RFC822)')[1][0][1].decode()); m.logout()
`,
      { PORT: String(local.ports.imap), PASS: ALICE_PASSWORD },
    );
    // Byte-stuffing undone by our client, and a trace header naming the fetch.
    expect(raw).toContain('\r\n.a line starting with a dot\r\n');
    expect(raw).toMatch(/^Received: from 127\.0\.0\.1 \(127\.0\.0\.1\)\r\n\tby mx\.mailroom\.test \(Mailroom\) with POP3 id \w+\r\n\tfor <alice@local\.test>;/);
  });

  it('delete on server over STLS, through the admin API and "fetch now"; the password is never returned', async () => {
    const created = await api(local, '/api/v1/fetch-accounts', 'POST', {
      account: 'alice@local.test',
      host: '127.0.0.1',
      port: remote.ports.pop3,
      security: 'starttls',
      verifyTls: false,
      username: 'del@remote.test',
      password: REMOTE_PASSWORD,
      intervalSeconds: 3600,
      keepOnServer: false,
      enabled: false,
    });
    expect(created.status).toBe(201);
    delId = created.json.id;
    expect(created.json).toMatchObject({ account: 'alice@local.test', security: 'starttls', keepOnServer: false, enabled: false, lastRunAt: null });
    const run = await api(local, `/api/v1/fetch-accounts/${delId}/fetch`, 'POST');
    expect(run.json).toEqual({ delivered: 2, skipped: 0, deleted: 2, error: null });
    expect(await inboxSubjects()).toEqual(['keep-1', 'keep-2', 'del-1', 'del-2']);
    expect(await remoteCount('del@remote.test')).toBe(0);
    expect(await processed()).toBe(4);
    const list = await api(local, '/api/v1/fetch-accounts');
    expect(list.json.items.map((a: { id: number }) => a.id)).toEqual([keepId, delId]);
    expect(list.json.items[1]).toMatchObject({ fetchedTotal: 2, lastError: null });
    expect(list.text + created.text + (await api(local, `/api/v1/fetch-accounts/${delId}`)).text).not.toContain(REMOTE_PASSWORD);
  });

  it('after a restart, fetches only what is new (UIDLs are remembered in the store)', async () => {
    await local.stop();
    await inject('keep@remote.test', 'keep-3');
    await local.start();
    const since = Date.now();
    await waitFor(inboxSubjects, (s) => s.includes('keep-3'), 20_000, 'the new message');
    // Let at least one more scheduled run of the keep account pass after the new message came in.
    await waitFor(
      async () => (await api(local, `/api/v1/fetch-accounts/${keepId}`)).json,
      (a) => a.lastRunAt !== null && Date.parse(a.lastRunAt) > since + 1500,
      20_000,
      'another run',
    );
    expect(await inboxSubjects()).toEqual(['keep-1', 'keep-2', 'del-1', 'del-2', 'keep-3']);
    expect(await processed()).toBe(1);
    expect(await remoteCount('keep@remote.test')).toBe(3);
    const now = await api(local, `/api/v1/fetch-accounts/${keepId}/fetch`, 'POST');
    expect([200, 409]).toContain(now.status); // 409: a scheduled run of it was in progress
    if (now.status === 200) expect(now.json).toMatchObject({ delivered: 0, error: null });
  });

  it('reports a refused login without ever logging the password, and fetches only while the server runs', async () => {
    const wrong = 'wrong-remote-password-91c7';
    expect((await api(local, `/api/v1/fetch-accounts/${delId}`, 'PATCH', { password: wrong })).status).toBe(200);
    const run = await api(local, `/api/v1/fetch-accounts/${delId}/fetch`, 'POST');
    expect(run.json).toMatchObject({ delivered: 0, error: expect.stringMatching(/^PASS refused by the server: \[AUTH\]/) });
    expect((await api(local, `/api/v1/fetch-accounts/${delId}`)).json.lastError).toBe(run.json.error);
    expect(local.output).not.toContain(wrong);
    expect(local.output).not.toContain(REMOTE_PASSWORD);

    expect((await api(local, '/api/v1/server/stop', 'POST')).status).toBe(200);
    expect((await api(local, `/api/v1/fetch-accounts/${delId}/fetch`, 'POST')).json.error.code).toBe('server_stopped');
    expect((await api(local, '/api/v1/server/start', 'POST')).status).toBe(200);
    expect((await api(local, `/api/v1/fetch-accounts/${delId}`, 'DELETE')).status).toBe(204);
    expect(await local.cli('fetch-account', 'list')).not.toContain('del@remote.test');
  });

  it('speaks implicit TLS, and checks the certificate unless told not to', async () => {
    // A POP3S port (995 style) for the remote: TLS terminated here, POP3 spoken by the remote itself.
    const tlsDir = path.join(remote.dataDir, 'tls');
    const relay = tls.createServer({ key: fs.readFileSync(path.join(tlsDir, 'self-signed.key')), cert: fs.readFileSync(path.join(tlsDir, 'self-signed.crt')) }, (secure) => {
      const plain = net.connect(remote.ports.pop3, '127.0.0.1');
      secure.pipe(plain).pipe(secure);
      secure.on('error', () => plain.destroy());
      plain.on('error', () => secure.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as net.AddressInfo).port;
      const settings = { account: 'alice@local.test', host: '127.0.0.1', port, security: 'tls', username: 'keep@remote.test', password: REMOTE_PASSWORD, enabled: false };
      const verified = (await api(local, '/api/v1/fetch-accounts', 'POST', settings)).json;
      expect((await api(local, `/api/v1/fetch-accounts/${verified.id}/fetch`, 'POST')).json).toMatchObject({ delivered: 0, error: expect.stringMatching(/^connection failed: .*self[- ]signed/) });
      const trusting = (await api(local, '/api/v1/fetch-accounts', 'POST', { ...settings, verifyTls: false })).json;
      // The keep account polls the same maildrop every second; a run of it may still hold the lock ([IN-USE]).
      expect((await api(local, `/api/v1/fetch-accounts/${keepId}`, 'PATCH', { enabled: false })).status).toBe(200);
      const run = await waitFor(
        async () => (await api(local, `/api/v1/fetch-accounts/${trusting.id}/fetch`, 'POST')).json,
        (r) => !/IN-USE/.test(r.error ?? ''),
        10_000,
        'the maildrop',
      );
      // A new external account has no UIDLs yet: everything on the remote is new to it.
      expect(run).toEqual({ delivered: 3, skipped: 0, deleted: 0, error: null });
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });
});
