// Auto-ban against a real `mailroom serve`, driven by Python's imaplib and poplib: failed logins over
// IMAP and POP3 together ban the address (loopback, so these tests turn auth.ban_loopback on), a banned
// address is refused at connect by both listeners, the ban is listed (API and CLI), counted in
// mailroom_bans_active and raises the loopback_banned and addresses_banned warnings, and it goes away on
// its own (short auth.ban_duration_seconds) or through DELETE /api/v1/bans. A ban made by hand survives a
// restart. Without auth.ban_loopback, loopback is never banned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

const TOKEN = 'bans-test-admin-token-0b7e5d3f91';
const PASSWORD = 'frank-correct-password';
let mr: MailroomProcess;
let lenient: MailroomProcess;

const api = async (target: MailroomProcess, path: string, method = 'GET', body?: unknown) => {
  const res = await target.admin(path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
};

/** Runs a snippet with helpers: imap(password) and pop(password) log in and return the reply or the error. */
const client = (target: MailroomProcess, body: string) =>
  python(
    `
import imaplib, poplib, os
def imap(password):
    try:
        m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']))
    except Exception as e:
        return 'refused: %s' % e
    try:
        typ, _ = m.login('frank@example.test', password); m.logout(); return typ
    except Exception as e:
        return 'failed: %s' % e
def pop(password):
    try:
        p = poplib.POP3('127.0.0.1', int(os.environ['POP3']), timeout=10)
    except Exception as e:
        return 'refused: %s' % e
    try:
        p.user('frank@example.test'); r = p.pass_(password).decode(); p.quit(); return r[:3]
    except Exception as e:
        return 'failed: %s' % e
${body}
`,
    { IMAP: String(target.ports.imap), POP3: String(target.ports.pop3) },
  );

const metric = async (target: MailroomProcess) => Number(/^mailroom_bans_active (\S+)$/m.exec(await (await target.admin('/metrics')).text())![1]);
const warningIds = async () => ((await api(mr, '/api/v1/warnings')).json.items as Array<{ id: string }>).map((w) => w.id);

beforeAll(async () => {
  const common = { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_AUTH_BAN_FAILURES: '3', MAILROOM_AUTH_FAILURE_DELAY_MS: '100' };
  mr = await MailroomProcess.create({ env: { ...common, MAILROOM_AUTH_BAN_LOOPBACK: 'true', MAILROOM_AUTH_BAN_DURATION_SECONDS: '3' } });
  lenient = await MailroomProcess.create({ env: common });
  for (const target of [mr, lenient]) {
    await target.cli('domain', 'add', 'example.test');
    await target.cli('account', 'add', 'frank@example.test', '--password', PASSWORD);
  }
  await Promise.all([mr.start(), lenient.start()]);
});

afterAll(async () => {
  await Promise.all([mr?.stop(), lenient?.stop()]);
  mr?.cleanup();
  lenient?.cleanup();
});

describe('auto-ban', () => {
  it('bans after failed logins over IMAP and POP3 together, refuses at connect, lists, counts and expires', async () => {
    const out = await client(
      mr,
      `print('imap1', imap('wrong-1')); print('imap2', imap('wrong-2')); print('pop3', pop('wrong-3')); print('imap', imap('${PASSWORD}')); print('pop', pop('${PASSWORD}'))`,
    );
    expect(out).toMatch(/^imap1 failed: .*AUTHENTICATIONFAILED/m);
    expect(out).toMatch(/^imap2 failed: /m);
    expect(out).toMatch(/^pop3 failed: .*(\[AUTH\]|Access from your address is blocked)/m);
    // Even the right password gets nowhere: the connection is refused before the greeting.
    expect(out).toMatch(/^imap refused: .*blocked/m);
    expect(out).toMatch(/^pop refused: .*\[SYS\/TEMP\] Access from your address is blocked/m);

    const bans = (await api(mr, '/api/v1/bans')).json.items;
    expect(bans).toEqual([{ address: '127.0.0.1', reason: 'auto', createdAt: expect.any(String), expiresAt: expect.any(String) }]);
    expect(Date.parse(bans[0].expiresAt) - Date.parse(bans[0].createdAt)).toBe(3000);
    expect(await metric(mr)).toBe(1);
    expect(await waitFor(warningIds, (ids) => ids.includes('loopback_banned'), 10_000, 'ban warnings')).toEqual(expect.arrayContaining(['loopback_banned', 'addresses_banned']));

    // auth.ban_duration_seconds = 3: the ban lifts by itself.
    await waitFor(
      () => client(mr, `print(imap('${PASSWORD}'))`),
      (o) => o.trim() === 'OK',
      15_000,
      'the ban to expire',
    );
    expect(await metric(mr)).toBe(0);
    expect((await api(mr, '/api/v1/bans')).json.items).toEqual([]);
    await waitFor(warningIds, (ids) => !ids.includes('loopback_banned') && !ids.includes('addresses_banned'), 15_000, 'ban warnings to clear');
  });

  it('keeps a ban made by hand across a restart until DELETE lifts it; the CLI sees the same list', async () => {
    const created = await api(mr, '/api/v1/bans', 'POST', { address: '127.0.0.1', durationSeconds: 3600 });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ address: '127.0.0.1', reason: 'manual' });
    expect(await client(mr, `print(pop('${PASSWORD}'))`)).toMatch(/^refused: /);

    await mr.stop();
    await mr.start();
    expect(await client(mr, `print(imap('${PASSWORD}'))`)).toMatch(/^refused: /);
    expect(await mr.cli('ban', 'list')).toMatch(/^127\.0\.0\.1\tmanual\t/m);
    expect(await metric(mr)).toBe(1);

    expect((await api(mr, '/api/v1/bans/127.0.0.1', 'DELETE')).status).toBe(204);
    expect((await api(mr, '/api/v1/bans/127.0.0.1', 'DELETE')).status).toBe(404);
    expect(await client(mr, `print(imap('${PASSWORD}'), pop('${PASSWORD}'))`)).toBe('OK +OK\n');
    expect(await metric(mr)).toBe(0);

    await mr.cli('ban', 'add', '::ffff:192.0.2.7', '--seconds', '60');
    expect((await api(mr, '/api/v1/bans')).json.items).toEqual([expect.objectContaining({ address: '192.0.2.7', reason: 'manual' })]);
    expect(await mr.cli('ban', 'remove', '192.0.2.7')).toContain('removed ban on 192.0.2.7');
    expect((await api(mr, '/api/v1/bans', 'POST', { address: 'not-an-ip' })).status).toBe(422);
  });

  it('never bans loopback without auth.ban_loopback', async () => {
    const out = await client(lenient, `print([imap('bad-%d' % i) for i in range(2)], pop('bad-3'), pop('bad-4'), imap('${PASSWORD}'))`);
    expect(out.trim()).toMatch(/ OK$/);
    expect((await api(lenient, '/api/v1/bans')).json.items).toEqual([]);
    expect(await metric(lenient)).toBe(0);
    const refused = await api(lenient, '/api/v1/bans', 'POST', { address: '::1' });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain('auth.ban_loopback');
  });
});
