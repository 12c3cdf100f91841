// Queue actions through the admin API on real deferred messages (a sink that answers 451): send now
// makes a delivery attempt at once, hold stops retries until release, bounce sends the sender a DSN,
// remove and clear empty the queue, and delivery keeps working afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDsn } from './helpers/dsn.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

const TOKEN = 'queue-actions-admin-token-5e1f8a3c7d';
let mr: MailroomProcess;
let sink: SmtpSink;

const api = async (path: string, method = 'GET', body?: unknown) => {
  const res = await mr.admin(path, { method, headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read loosely here; the assertions check their shape
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, any>) : null };
};

const tries = (address: string) => sink.rcptTries.filter((t) => t.address === address).length;

async function inject(to: string): Promise<string> {
  const res = await api('/api/v1/messages', 'POST', { from: 'jo@example.test', to: [to], raw: `From: jo@example.test\r\nTo: ${to}\r\nSubject: for ${to}\r\n\r\nhello\r\n` });
  expect(res.status).toBe(201);
  const id = res.json!.id as string;
  // First attempt happens at once and is deferred by the sink; the next is an hour away.
  await waitFor(
    () => api(`/api/v1/queue/${id}`),
    (r) => r.json?.state === 'deferred',
    10_000,
    `${to} to be deferred`,
  );
  return id;
}

beforeAll(async () => {
  sink = await SmtpSink.start();
  sink.script('@remote.test', { rcpt: { code: 451, message: '4.3.0 Try again later' } });
  mr = await MailroomProcess.create({
    env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_RELAY: `127.0.0.1:${sink.port}`, MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600' },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'jo@example.test', '--password', 'jo-password');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
});

describe('queue actions on deferred messages', () => {
  it('sends now, holds and releases, bounces, removes and clears; delivery keeps working', async () => {
    const a = await inject('a@remote.test');
    const b = await inject('b@remote.test');
    const c = await inject('c@remote.test');
    const d = await inject('d@remote.test');
    const listed = await api('/api/v1/queue?state=deferred&sort=created');
    expect(listed.json!.total).toBe(4);
    expect(listed.json!.items[0]).toMatchObject({ id: a, to: ['a@remote.test'], attempts: 1, lastError: expect.stringContaining('451 4.3.0 Try again later') });

    // Send now: a new attempt right away (the schedule would wait an hour).
    const before = tries('a@remote.test');
    expect((await api(`/api/v1/queue/${a}/send-now`, 'POST')).status).toBe(200);
    await waitFor(
      () => tries('a@remote.test'),
      (n) => n > before,
      5_000,
      'a second attempt for a',
    );
    expect((await api(`/api/v1/queue/${a}`)).json!.attempts).toBe(2);

    // Hold: even "send all now" leaves it alone; release lets it go again.
    expect((await api(`/api/v1/queue/${b}/hold`, 'POST')).json!.state).toBe('held');
    const held = tries('b@remote.test');
    expect((await api('/api/v1/queue/send-now', 'POST')).status).toBe(200);
    await waitFor(
      () => tries('c@remote.test'),
      (n) => n >= 2,
      5_000,
      'send-all to reach c',
    );
    expect(tries('b@remote.test')).toBe(held);
    // Send now on the held message itself: refused with 409, not a 200 that does nothing.
    const refused = await api(`/api/v1/queue/${b}/send-now`, 'POST');
    expect(refused.status).toBe(409);
    expect(refused.json!.error).toMatchObject({ code: 'held', message: expect.stringContaining('release') });
    expect((await api(`/api/v1/queue/${b}`)).json!.held).toBe(true);
    expect((await api(`/api/v1/queue/${b}/release`, 'POST')).json!.held).toBe(false);

    // Bounce: the sender gets a DSN for the recipient, and the message leaves the queue.
    expect((await api(`/api/v1/queue/${c}/bounce`, 'POST')).status).toBe(200);
    const dsns = await waitFor(
      () => mailboxContents(mr.dataDir, 'jo@example.test'),
      (m) => m.length === 1,
      10_000,
      'a DSN for jo',
    );
    const dsn = await parseDsn(dsns[0]!.content);
    expect(dsn.recipients.map((r) => r['final-recipient'])).toEqual(['rfc822; c@remote.test']);
    expect((await api(`/api/v1/queue/${c}`)).status).toBe(404);

    // Remove one, then clear only what a filter matches, then everything.
    expect((await api(`/api/v1/queue/${d}`, 'DELETE')).status).toBe(204);
    expect((await api(`/api/v1/queue/${d}`)).status).toBe(404);
    expect((await api('/api/v1/queue?search=a%40remote', 'DELETE')).json).toEqual({ removed: 1 });
    expect((await api('/api/v1/queue', 'DELETE')).json).toEqual({ removed: 1 });
    expect((await api('/api/v1/queue')).json!.total).toBe(0);

    // Delivery still works after all that.
    sink.script('@remote.test', undefined);
    const sent = await api('/api/v1/messages', 'POST', { from: 'jo@example.test', to: ['e@remote.test'], raw: 'Subject: after\r\n\r\nhello\r\n' });
    expect(sent.status).toBe(201);
    await waitFor(
      () => sink.received.filter((m) => m.rcptTo.includes('e@remote.test')).length,
      (n) => n === 1,
      10_000,
      'delivery of e',
    );
    await waitFor(
      () => api('/api/v1/queue'),
      (r) => r.json!.total === 0,
      10_000,
      'an empty queue',
    );
  });
});
