// The LogQL the Grafana app builds for one message's log lines (grafana-plugin/src/services/messageLogql.ts),
// applied to the lines the real server ships to Loki with its default logging settings (only loki.url
// set; the categories shipped are then application and delivery): a delivered and a bounced message each
// get every line about them (the delivery attempt, the bounce), and none of the other message's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { matchesMessageLogQL, messageLogQL } from '../../grafana-plugin/src/services/messageLogql.ts';
import { waitFor } from './helpers/mailbox.ts';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { message, sendMail } from './helpers/send.ts';
import { SmtpSink } from './helpers/smtp-sink.ts';

const ALICE = { user: 'alice@example.test', pass: 'alice-secret' };
let loki: LokiReceiver;
let sink: SmtpSink;
let mr: MailroomProcess;

beforeAll(async () => {
  loki = await LokiReceiver.start();
  sink = await SmtpSink.start();
  sink.script('@bounce.test', { rcpt: { code: 550, message: '5.1.1 no such user here' } });
  mr = await MailroomProcess.create({ env: { MAILROOM_LOKI_URL: loki.url, MAILROOM_RELAY: `127.0.0.1:${sink.port}` } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', ALICE.user, '--password', ALICE.pass);
  await mr.start();
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await sink?.close();
  await loki?.close();
});

async function submit(to: string, subject: string): Promise<string> {
  const result = await sendMail({
    port: mr.ports.submission,
    from: ALICE.user,
    to: [to],
    auth: ALICE,
    content: message({ from: ALICE.user, to: [to], subject, messageId: `${subject.replace(/\W+/g, '-')}@example.test` }),
  });
  return result.queueId;
}

it("returns each message's lines, the delivery attempt and the bounce included, and only those", async () => {
  const delivered = await submit('friend@remote.test', 'logql delivered');
  const bounced = await submit('nobody@bounce.test', 'logql bounced');
  const attemptOf = (id: string) => (l: { line: string }) => l.line.includes(id) && l.line.includes('delivery attempt');
  const entries = await waitFor(
    async () => loki.accepted(),
    (all) => all.some(attemptOf(delivered)) && all.some(attemptOf(bounced)) && all.some((e) => e.line.includes(bounced) && e.line.includes('bounce queued')),
    20_000,
    'both delivery attempts to reach Loki',
  );
  expect(messageLogQL(delivered)).toBe(`{service_name="mailroom"} |= "${delivered}"`);
  // Everything Mailroom shipped about each message (with the default categories, application and
  // delivery) is what the query returns: here the bounce's own "bounce queued" line too.
  const about = (id: string) => entries.filter((e) => e.line.includes(`"queueId":"${id}"`));
  expect(about(bounced).map((e) => (JSON.parse(e.line) as { msg: string }).msg)).toEqual(expect.arrayContaining(['delivery attempt', 'bounce queued']));
  for (const id of [delivered, bounced]) expect(about(id).every((e) => matchesMessageLogQL(id, e.labelSet, e.line))).toBe(true);
  for (const [id, other] of [
    [delivered, bounced],
    [bounced, delivered],
  ] as const) {
    const lines = entries.filter((e) => matchesMessageLogQL(id, e.labelSet, e.line)).map((e) => JSON.parse(e.line) as Record<string, unknown>);
    // Every line about the message carries its queue id (queueId), so the line filter finds it.
    expect(lines.some((l) => l.msg === 'delivery attempt' && l.queueId === id)).toBe(true);
    expect(lines.every((l) => JSON.stringify(l).includes(id))).toBe(true);
    expect(lines.some((l) => JSON.stringify(l).includes(other) && !JSON.stringify(l).includes(id))).toBe(false);
  }
});
