// Remote delivery end to end: the real server relays through MAILROOM_RELAY to a real SMTP sink the
// test scripts (4xx, 5xx, per recipient, at RCPT or at the end of DATA), and bounces come back to the
// sender's local INBOX as RFC 3464 reports. The queue is read from the SQLite file, read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDsn } from './helpers/dsn.ts';
import { mailboxContents, waitFor } from './helpers/mailbox.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { queueContents, queuedMessage } from './helpers/queue.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

let sink: SmtpSink;
let mr: MailroomProcess;
const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };

async function serverFor(env: Record<string, string>): Promise<MailroomProcess> {
  const server = await MailroomProcess.create({
    env: {
      MAILROOM_RELAY: `127.0.0.1:${sink.port}`,
      MAILROOM_TRUSTED_NETWORKS: '127.0.0.1/32',
      MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '1,2',
      MAILROOM_DELIVERY_POLL_INTERVAL_MS: '200',
      ...env,
    },
  });
  await server.cli('domain', 'add', 'example.test');
  await server.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await server.start();
  return server;
}

/** Alice submits a message (submission port, AUTH) and gets its queue id back. */
async function submit(server: MailroomProcess, to: string[], subject: string): Promise<string> {
  const result = await sendMail({
    port: server.ports.submission,
    from: ALICE.user,
    to,
    auth: ALICE,
    content: message({ from: ALICE.user, to, subject, messageId: `${subject.replace(/\W+/g, '-')}@example.test` }),
  });
  expect(result.response).toMatch(/^250 /);
  return result.queueId;
}

const left = (server: MailroomProcess, id: string) =>
  waitFor(
    () => queuedMessage(server.dataDir, id),
    (m) => m === undefined,
    15_000,
    `message ${id} to leave the queue`,
  );
const dsnsFor = (server: MailroomProcess, queueId: string) => mailboxContents(server.dataDir, ALICE.user).filter((m) => m.content.includes(`X-Mailroom-Queue-ID: ${queueId}`));

beforeAll(async () => {
  sink = await SmtpSink.start();
  mr = await serverFor({ MAILROOM_DELIVERY_CONNECTIONS_PER_DOMAIN: '2' });
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
});

describe('remote delivery through the relay', () => {
  it('sends through the smarthost over STARTTLS and leaves the queue', async () => {
    const id = await submit(mr, ['friend@remote.test'], 'plain relay');
    const [got] = await waitFor(
      () => sink.messagesWith('Subject: plain relay'),
      (m) => m.length === 1,
      15_000,
      'the sink to receive it',
    );
    expect(got).toMatchObject({ mailFrom: 'alice@example.test', rcptTo: ['friend@remote.test'], secure: true });
    expect(got!.content).toMatch(/^Received: from client\.test .*\r\n\tby mx\.mailroom\.test \(Mailroom\) with ESMTPSA id /);
    await left(mr, id);
    expect(sink.messagesWith('Subject: plain relay')).toHaveLength(1);
  });

  it('keeps a message refused with 4xx deferred with the error and a next attempt, and delivers it once accepted', async () => {
    sink.script('later@remote.test', { rcpt: { code: 451, message: '4.3.0 Try again later' } });
    const id = await submit(mr, ['later@remote.test'], 'greylisted');
    const deferred = await waitFor(
      () => queuedMessage(mr.dataDir, id)?.recipients[0],
      (r) => r?.state === 'deferred',
      15_000,
      'a deferral',
    );
    expect(deferred!.lastError).toBe(`127.0.0.1:${sink.port} said: 451 4.3.0 Try again later`);
    // The retry time is the schedule step for the attempt just made (1 s, then 2 s).
    expect(deferred!.nextAttemptAt - deferred!.lastAttemptAt!).toBe(deferred!.attempts === 1 ? 1000 : 2000);
    expect(sink.messagesWith('Subject: greylisted')).toHaveLength(0);

    sink.script('later@remote.test', undefined);
    await waitFor(
      () => sink.messagesWith('Subject: greylisted'),
      (m) => m.length === 1,
      15_000,
      'the retry to be accepted',
    );
    await left(mr, id);
    const tries = sink.rcptTries.filter((t) => t.address === 'later@remote.test').map((t) => t.code);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.at(-1)).toBe(250);
    expect(tries.slice(0, -1).every((c) => c === 451)).toBe(true);
    expect(sink.messagesWith('Subject: greylisted')).toHaveLength(1);
    expect(dsnsFor(mr, id)).toEqual([]);
  });

  it("bounces a 5xx at RCPT with a DSN in the sender's INBOX", async () => {
    sink.script('nobody@remote.test', { rcpt: { code: 550, message: '5.1.1 <nobody@remote.test>: Recipient address rejected' } });
    const id = await submit(mr, ['nobody@remote.test'], 'to nobody');
    const [dsnMail] = await waitFor(
      () => dsnsFor(mr, id),
      (m) => m.length === 1,
      15_000,
      'a DSN for alice',
    );
    const dsn = await parseDsn(dsnMail!.content);
    expect(dsn.contentType).toBe('multipart/report');
    expect(dsn.reportType).toBe('delivery-status');
    expect(dsn.parts.map((p) => p.contentType)).toEqual(['text/plain', 'message/delivery-status', 'text/rfc822-headers']);
    expect(dsn.perMessage['reporting-mta']).toBe('dns; mx.mailroom.test');
    expect(dsn.recipients).toEqual([
      {
        'final-recipient': 'rfc822; nobody@remote.test',
        action: 'failed',
        status: '5.1.1',
        'diagnostic-code': 'smtp; 550 5.1.1 <nobody@remote.test>: Recipient address rejected',
      },
    ]);
    expect(dsn.returnedHeaders).toContain('Subject: to nobody');
    await left(mr, id);
    // The bounce went to the local INBOX, not out through the relay.
    expect(sink.received.filter((m) => m.mailFrom === '')).toEqual([]);
  });

  it('bounces a 5xx at the end of DATA with that reply as the diagnostic', async () => {
    sink.script('strict@remote.test', { data: { code: 554, message: '5.7.1 Message content rejected' } });
    const id = await submit(mr, ['strict@remote.test'], 'rejected content');
    const [dsnMail] = await waitFor(
      () => dsnsFor(mr, id),
      (m) => m.length === 1,
      15_000,
      'a DSN for alice',
    );
    const dsn = await parseDsn(dsnMail!.content);
    expect(dsn.recipients.map((r) => [r['final-recipient'], r.action, r.status, r['diagnostic-code']])).toEqual([
      ['rfc822; strict@remote.test', 'failed', '5.7.1', 'smtp; 554 5.7.1 Message content rejected'],
    ]);
    await left(mr, id);
  });

  it('handles 250, 550 and 450 for three recipients of one transaction each on its own', async () => {
    sink.script('hard@mixed.test', { rcpt: { code: 550, message: '5.1.1 <hard@mixed.test>: No such user' } });
    sink.script('soft@mixed.test', { rcpt: { code: 450, message: '4.2.1 Mailbox busy' } });
    const id = await submit(mr, ['ok@mixed.test', 'hard@mixed.test', 'soft@mixed.test'], 'mixed outcomes');

    const states = await waitFor(
      () => queuedMessage(mr.dataDir, id)?.recipients.map((r) => [r.address, r.state]),
      (s) =>
        JSON.stringify(s) ===
        JSON.stringify([
          ['ok@mixed.test', 'delivered'],
          ['hard@mixed.test', 'bounced'],
          ['soft@mixed.test', 'deferred'],
        ]),
      15_000,
      'the first attempt to settle',
    );
    expect(states).toBeDefined();
    const soft = queuedMessage(mr.dataDir, id)!.recipients[2]!;
    expect(soft.lastError).toContain('said: 450 4.2.1 Mailbox busy');
    const first = sink.messagesWith('Subject: mixed outcomes');
    expect(first.map((m) => m.rcptTo)).toEqual([['ok@mixed.test']]);
    // One transaction carried all three: the sink saw each RCPT once in the first attempt.
    const [dsnMail] = await waitFor(
      () => dsnsFor(mr, id),
      (m) => m.length === 1,
      15_000,
      'a DSN for the 550',
    );
    const dsn = await parseDsn(dsnMail!.content);
    expect(dsn.recipients.map((r) => [r['final-recipient'], r.status])).toEqual([['rfc822; hard@mixed.test', '5.1.1']]);

    sink.script('soft@mixed.test', undefined);
    await waitFor(
      () => sink.messagesWith('Subject: mixed outcomes'),
      (m) => m.length === 2,
      15_000,
      'the deferred recipient to be delivered',
    );
    await left(mr, id);
    expect(sink.messagesWith('Subject: mixed outcomes').map((m) => m.rcptTo)).toEqual([['ok@mixed.test'], ['soft@mixed.test']]);
    expect(sink.rcptTries.filter((t) => t.address === 'hard@mixed.test')).toHaveLength(1);
    expect(dsnsFor(mr, id)).toHaveLength(1);
  });

  it('never bounces mail from the null sender', async () => {
    sink.script('void@remote.test', { rcpt: { code: 550, message: '5.1.1 <void@remote.test>: No such user' } });
    const before = mailboxContents(mr.dataDir, ALICE.user).length;
    // MX from a trusted network may relay; the null sender is what bounces and auto-replies use.
    const result = await sendMail({
      port: mr.ports.smtp,
      from: '',
      to: ['void@remote.test'],
      content: message({ from: 'mailer-daemon@remote.test', to: ['void@remote.test'], subject: 'null sender', messageId: 'null-sender@remote.test' }),
    });
    await left(mr, result.queueId);
    expect(sink.rcptTries.filter((t) => t.address === 'void@remote.test')).toEqual([{ mailFrom: '', address: 'void@remote.test', code: 550 }]);
    // A bounce is queued in the transaction that records the failure: once the message is gone,
    // any bounce would already be in the queue or delivered.
    expect(queueContents(mr.dataDir).filter((m) => m.content.includes(result.queueId))).toEqual([]);
    expect(mailboxContents(mr.dataDir, ALICE.user)).toHaveLength(before);
    expect(sink.received.filter((m) => m.content.includes(result.queueId))).toEqual([]);
  });

  it('opens at most delivery.connections_per_domain connections to one domain', async () => {
    sink.script('@slow.test', { dataDelayMs: 400 });
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => submit(mr, [`user${i}@slow.test`], `slow ${i}`)));
    await waitFor(
      () => sink.received.filter((m) => m.rcptTo[0]!.endsWith('@slow.test')),
      (m) => m.length === 6,
      20_000,
      'six deliveries to slow.test',
    );
    for (const id of ids) await left(mr, id);
    // Two at once, never more: the limit is reached and respected.
    expect(sink.maxConnectionsByDomain.get('slow.test')).toBe(2);
  });

  it('defers when the peer hangs up before its greeting, and delivers on a later attempt', async () => {
    sink.hangUp = true;
    const id = await submit(mr, ['hangup@remote.test'], 'hang up');
    const deferred = await waitFor(
      () => queuedMessage(mr.dataDir, id)?.recipients[0],
      (r) => r?.state === 'deferred',
      15_000,
      'a deferral',
    );
    expect(deferred!.lastError).toMatch(new RegExp(`^127\\.0\\.0\\.1:${sink.port} said: `));
    sink.hangUp = false;
    await waitFor(
      () => sink.messagesWith('Subject: hang up'),
      (m) => m.length === 1,
      15_000,
      'delivery after the hang-ups',
    );
    await left(mr, id);
  });
});

describe('expiry', () => {
  let short: MailroomProcess;

  beforeAll(async () => {
    short = await serverFor({ MAILROOM_DELIVERY_EXPIRY_SECONDS: '2' });
  });

  afterAll(async () => {
    await short?.stop();
    short?.cleanup();
  });

  it('gives up after delivery.expiry_seconds of temporary failures and bounces with 4.4.7', async () => {
    sink.script('expire@remote.test', { rcpt: { code: 451, message: '4.4.1 No answer from the mailbox host' } });
    const id = await submit(short, ['expire@remote.test'], 'will expire');
    const [dsnMail] = await waitFor(
      () => dsnsFor(short, id),
      (m) => m.length === 1,
      20_000,
      'an expiry DSN',
    );
    const dsn = await parseDsn(dsnMail!.content);
    expect(dsn.recipients).toEqual([
      {
        'final-recipient': 'rfc822; expire@remote.test',
        action: 'failed',
        status: '4.4.7',
        'diagnostic-code': 'smtp; 451 4.4.1 No answer from the mailbox host',
      },
    ]);
    await left(short, id);
    expect(sink.rcptTries.filter((t) => t.address === 'expire@remote.test').length).toBeGreaterThanOrEqual(2);
    expect(sink.messagesWith('Subject: will expire')).toEqual([]);
  });
});
