// The message trace over the admin API, against the real server: it relays through MAILROOM_RELAY to a
// scripted SMTP sink that accepts one message, refuses one for good (550) and one for now (451), and
// the trace answers where each went: found by Message-ID, recipient or queue id, with the timeline of
// acceptance and every attempt (MX address, TLS, reply code and text), queued or finished. The same
// server's /metrics then shows the deferral by reason, the queue time of the final outcomes and the TLS
// handshakes in (IMAPS, one good and one failed) and out (STARTTLS to the sink).
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './helpers/ports.ts';
import { waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';
import { tracePageSchema, traceTimelineSchema, type TraceTimeline } from '../src/admin/response-schemas.ts';

const VIEWER = 'trace-viewer-token-0c4d1e9a7b';
const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };
let sink: SmtpSink;
let mr: MailroomProcess;
const ids: Record<'delivered' | 'bounced' | 'deferred', string> = { delivered: '', bounced: '', deferred: '' };

async function api(path: string, token: string | null = VIEWER): Promise<{ status: number; body: unknown }> {
  const res = await mr.admin(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

async function timeline(id: string): Promise<TraceTimeline> {
  const { status, body } = await api(`/api/v1/trace/${id}`);
  expect(status).toBe(200);
  return traceTimelineSchema.parse(body);
}

async function submit(to: string, subject: string): Promise<string> {
  const result = await sendMail({
    port: mr.ports.submission,
    from: ALICE.user,
    to: [to],
    auth: ALICE,
    content: message({ from: ALICE.user, to: [to], subject, messageId: `${subject}@example.test` }),
  });
  expect(result.response).toMatch(/^250 /);
  return result.queueId;
}

beforeAll(async () => {
  sink = await SmtpSink.start();
  sink.script('@bounce.test', { rcpt: { code: 550, message: '5.1.1 no such user here' } });
  sink.script('@later.test', { rcpt: { code: 451, message: '4.7.1 greylisted, try later' } });
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_ADMIN_TOKENS: `grafana:viewer:${VIEWER}`,
      MAILROOM_RELAY: `127.0.0.1:${sink.port}`,
      MAILROOM_NODE_NAME: 'trace-node',
      MAILROOM_IMAPS_PORT: String(await freePort()),
      MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '3600',
      MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200',
    },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await mr.start();
  ids.delivered = await submit('friend@remote.test', 'trace-delivered');
  ids.bounced = await submit('nobody@bounce.test', 'trace-bounced');
  ids.deferred = await submit('someone@later.test', 'trace-deferred');
  for (const id of Object.values(ids)) {
    await waitFor(
      () => timeline(id),
      (t) => t.events.some((e) => e.type === 'attempt'),
      15_000,
      `an attempt for ${id}`,
    );
  }
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
});

describe('GET /api/v1/trace/:id', () => {
  it('shows a delivered message from acceptance through the attempt to leaving the queue', async () => {
    const t = await waitFor(
      () => timeline(ids.delivered),
      (x) => x.state === 'finished',
      15_000,
      'the delivered message to finish',
    );
    expect(t).toMatchObject({ id: ids.delivered, messageId: 'trace-delivered@example.test', from: ALICE.user, to: ['friend@remote.test'], source: 'submission' });
    expect(t.recipients).toEqual([{ address: 'friend@remote.test', state: 'delivered' }]);
    expect(t.events.map((e) => e.type)).toEqual(['accepted', 'attempt', 'left_queue']);
    expect(t.events[0]).toMatchObject({ type: 'accepted', node: 'trace-node', clientAddress: '127.0.0.1' });
    expect(t.events[1]).toMatchObject({ type: 'attempt', recipient: 'friend@remote.test', result: 'delivered', mxHost: '127.0.0.1', mxIp: '127.0.0.1', replyCode: 250 });
    const attempt = t.events[1] as Extract<TraceTimeline['events'][number], { type: 'attempt' }>;
    expect(attempt.tls).toMatch(/^TLSv1\.[23]$/); // the sink offers STARTTLS
    expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('shows a bounced message with the 5xx reply that ended it', async () => {
    const t = await waitFor(
      () => timeline(ids.bounced),
      (x) => x.state === 'finished',
      15_000,
      'the bounced message to finish',
    );
    expect(t.recipients).toEqual([{ address: 'nobody@bounce.test', state: 'bounced' }]);
    expect(t.events.find((e) => e.type === 'attempt')).toMatchObject({ result: 'bounced', replyCode: 550, replyText: expect.stringContaining('5.1.1 no such user here') });
    expect(t.events.at(-1)!.type).toBe('left_queue');
  });

  it('shows a deferred message still queued, with the 4xx reply of its attempt', async () => {
    const t = await timeline(ids.deferred);
    expect(t).toMatchObject({ state: 'queued', finishedAt: null, recipients: [{ address: 'someone@later.test', state: 'deferred' }] });
    expect(t.events.map((e) => e.type)).toEqual(['accepted', 'attempt']);
    expect(t.events[1]).toMatchObject({ result: 'deferred', replyCode: 451, replyText: expect.stringContaining('greylisted, try later') });
  });

  it('answers 404 for an unknown id, 400 for a malformed one, 401 without a token', async () => {
    expect((await api('/api/v1/trace/0000000000UNKNOWN')).status).toBe(404);
    expect((await api('/api/v1/trace/not-an-id!')).status).toBe(400);
    expect((await api(`/api/v1/trace/${ids.delivered}`, null)).status).toBe(401);
  });
});

describe('GET /api/v1/trace', () => {
  const found = async (query: string) => tracePageSchema.parse((await api(`/api/v1/trace?${query}`)).body);

  it('finds a message by Message-ID, recipient or queue id, queued or finished', async () => {
    expect((await found('search=trace-bounced@example')).items.map((i) => i.id)).toEqual([ids.bounced]);
    expect((await found('search=SOMEONE@later.test')).items).toMatchObject([{ id: ids.deferred, state: 'queued' }]);
    expect((await found(`search=${ids.delivered}`)).items).toMatchObject([{ id: ids.delivered, state: 'finished', messageId: 'trace-delivered@example.test' }]);
  });

  it('pages newest first and bounds by acceptance time', async () => {
    // The bounce's DSN to alice is traced too (source bounce); the Message-IDs tell the three apart.
    expect((await found('search=alice@example.test')).items.filter((i) => i.source === 'bounce')).toMatchObject([{ from: '', to: [ALICE.user] }]);
    const all = await found('search=trace-&limit=2');
    expect(all.total).toBe(3);
    expect(all.items.map((i) => i.id)).toEqual([ids.deferred, ids.bounced]);
    expect((await found('search=trace-&offset=2&limit=2')).items.map((i) => i.id)).toEqual([ids.delivered]);
    const accepted = Date.parse(all.items[0]!.acceptedAt);
    expect((await found(`search=trace-&from=${accepted}`)).items.map((i) => i.id)).toEqual([ids.deferred]);
    expect((await found(`search=trace-&to=${new Date(accepted).toISOString()}`)).total).toBe(2);
  });

  it('answers 400 naming the parameter for a from or to that is not a time, or from not before to', async () => {
    const bad = await api('/api/v1/trace?from=yesterday');
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameters', message: expect.stringMatching(/^query parameter from: not a time/) } } });
    expect((await api('/api/v1/trace?to=2026-13-45T99:00:00Z')).status).toBe(400);
    const reversed = await api('/api/v1/trace?from=2026-12-05&to=2026-12-04');
    expect(reversed).toMatchObject({ status: 400, body: { error: { message: 'query parameter from: from must be before to' } } });
  });
});

describe('delivery and TLS metrics', () => {
  /** The value of one series of the scrape, or undefined when it is missing. */
  function sample(text: string, series: string): number | undefined {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  }
  const scrape = async () => (await mr.admin('/metrics')).text();

  it('counts the deferral by reason, and every other reason at 0', async () => {
    const text = await scrape();
    expect(sample(text, 'mailroom_delivery_deferrals_total{destination="remote",reason="remote_4xx"}')).toBe(1);
    for (const reason of ['dns', 'connection', 'tls', 'local', 'internal']) expect(sample(text, `mailroom_delivery_deferrals_total{destination="remote",reason="${reason}"}`)).toBe(0);
  });

  it('observes the queue time once per final outcome, not per attempt', async () => {
    await waitFor(
      () => timeline(ids.bounced),
      (x) => x.state === 'finished',
      15_000,
      'the bounce',
    );
    const text = await scrape();
    expect(sample(text, 'mailroom_message_queue_time_seconds_count{destination="remote",result="delivered"}')).toBe(1);
    expect(sample(text, 'mailroom_message_queue_time_seconds_count{destination="remote",result="bounced"}')).toBe(1);
    // The bounce's DSN was filed into alice's INBOX: a local final outcome.
    expect(sample(text, 'mailroom_message_queue_time_seconds_count{destination="local",result="delivered"}')).toBeGreaterThanOrEqual(1);
    // The queue holds one deferred message; the empty states report 0 rather than no series.
    expect(sample(text, 'mailroom_queue_messages{state="deferred"}')).toBe(1);
    expect(sample(text, 'mailroom_queue_messages{state="held"}')).toBe(0);
    expect(sample(text, 'mailroom_queue_messages{state="in_flight"}')).toBe(0);
  });

  it('counts TLS handshakes out (STARTTLS to the sink) and in (IMAPS), failed ones apart', async () => {
    const port = Number(mr.env.MAILROOM_IMAPS_PORT);
    await new Promise<void>((resolve, reject) => {
      const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => c.once('data', () => (c.end(), resolve())));
      c.on('error', reject);
    });
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write('this is not a TLS client hello\r\n'));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    const text = await waitFor(scrape, (t) => sample(t, 'mailroom_tls_handshakes_total{listener="imaps",version="none",result="failed"}') === 1, 10_000, 'the failed handshake to be counted');
    expect(sample(text, 'mailroom_tls_handshakes_total{listener="imaps",version="TLSv1.3",result="ok"}')).toBe(1);
    const outbound =
      (sample(text, 'mailroom_tls_handshakes_total{listener="outbound",version="TLSv1.3",result="ok"}') ?? 0) +
      (sample(text, 'mailroom_tls_handshakes_total{listener="outbound",version="TLSv1.2",result="ok"}') ?? 0);
    expect(outbound).toBeGreaterThanOrEqual(3); // one per attempt: delivered, bounced (550 after STARTTLS), deferred
    expect(sample(text, 'mailroom_tls_handshakes_total{listener="smtp",version="none",result="failed"}')).toBe(0);
  });
});
