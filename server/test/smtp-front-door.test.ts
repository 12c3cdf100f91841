// The MX listener's first line of defence, with Python's smtplib connecting from different loopback
// addresses: a client listed by a DNS blocklist (served by the test's DNS server) is refused at RCPT with
// 554 5.7.1 and the list's reason; a blocklist that never answers lists nobody; per-address message and
// connection rates answer 451 4.7.1 and 421 4.7.0 past their limits; each refusal counted by reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer } from './helpers/dns-server.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { python } from './helpers/python.ts';

/** One smtplib session from `source`: the replies to each step, as "code text" lines. */
async function session(port: number, source: string, steps: string): Promise<string> {
  return python(
    `
import os, smtplib
out = []
try:
    s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), source_address=(os.environ['SOURCE'], 0), timeout=20)
except smtplib.SMTPConnectError as e:
    print('connect', e.smtp_code, e.smtp_error.decode())
    raise SystemExit(0)
except smtplib.SMTPServerDisconnected as e:
    print('connect disconnected', e)
    raise SystemExit(0)
def say(what, reply):
    out.append(what + ' ' + str(reply[0]) + ' ' + reply[1].decode().replace('\\n', ' '))
s.ehlo('client.test')
${steps}
s.quit()
print('\\n'.join(out))
`,
    { PORT: String(port), SOURCE: source },
  );
}

const oneMessage = (n: number) => `
r = s.mail('x@remote.test')
say('mail', r)
if r[0] == 250:
    r = s.rcpt('alice@example.test')
    say('rcpt', r)
    if r[0] == 250:
        say('data', s.data('Subject: front door ${n}\\r\\n\\r\\nHello.\\r\\n'))
s.rset()
`;

/** Rate windows are clock minutes: start a rate test early in one, so it does not straddle two. */
async function earlyInAMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((r) => setTimeout(r, 60_000 - into + 200));
}

describe('DNS blocklists and rate limits on the MX listener', () => {
  let dns: TestDnsServer;
  let mr: MailroomProcess;
  const rejections = async (reason: string) => {
    const text = await (await mr.admin('/metrics')).text();
    return Number(new RegExp(`^mailroom_smtp_rejections_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    dns = await TestDnsServer.start({
      '2.0.0.127.bl.test': { A: ['127.0.0.2'], TXT: ['Listed by bl.test, see https://bl.test/lookup?ip=127.0.0.2'] },
    });
    // A second list that never answers: it must list nobody and hold nobody up beyond the DNS timeout.
    for (const last of ['1', '2', '3', '4']) dns.misbehave.set(`${last}.0.0.127.silent.test`, 'silent');
    mr = await MailroomProcess.create({
      env: {
        MAILROOM_DNS_SERVERS: dns.address,
        MAILROOM_DNS_TIMEOUT_MS: '500',
        MAILROOM_SMTP_DNSBL_ZONES: 'bl.test,silent.test',
        MAILROOM_LIMITS_SMTP_MESSAGES_PER_MINUTE_PER_IP: '3',
        MAILROOM_LIMITS_SMTP_CONNECTIONS_PER_MINUTE_PER_IP: '4',
        MAILROOM_LIMITS_MAX_SESSIONS_PER_IP: '50',
      },
    });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice pw');
    await mr.start();
  }, 60_000);

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
    await dns?.close();
  });

  it("a listed client is refused at RCPT with 554 5.7.1 and the list's reason, counted", async () => {
    const before = await rejections('dnsbl');
    const out = await session(mr.ports.smtp, '127.0.0.2', oneMessage(0));
    expect(out).toMatch(/^rcpt 554 5\.7\.1 Service unavailable; client \[127\.0\.0\.2\] blocked using bl\.test: Listed by bl\.test, see https:\/\/bl\.test\/lookup\?ip=127\.0\.0\.2$/m);
    expect(await rejections('dnsbl')).toBe(before + 1);
    expect(dns.queries.some((q) => q.name === '2.0.0.127.bl.test' && q.type === 'A')).toBe(true);
  }, 30_000);

  it('a client no list names gets through, though one list never answers', async () => {
    const out = await session(mr.ports.smtp, '127.0.0.1', oneMessage(1));
    expect(out).toMatch(/^rcpt 250 /m);
    expect(out).toMatch(/^data 250 /m);
  }, 30_000);

  it('past limits.smtp_messages_per_minute_per_ip: 451 4.7.1 at MAIL FROM, counted', async () => {
    await earlyInAMinute();
    const before = await rejections('rate_limited');
    const out = await session(mr.ports.smtp, '127.0.0.3', [1, 2, 3, 4].map(oneMessage).join(''));
    expect(out.split('\n').filter((l) => l.startsWith('data 250'))).toHaveLength(3);
    expect(out).toMatch(/^mail 451 4\.7\.1 Too many messages per minute from your address \(at most 3\), try again later$/m);
    expect(await rejections('rate_limited')).toBe(before + 1);
  }, 60_000);

  it('past limits.smtp_connections_per_minute_per_ip: 421 4.7.0 at connect', async () => {
    await earlyInAMinute();
    const results: string[] = [];
    for (let i = 0; i < 5; i++) results.push(await session(mr.ports.smtp, '127.0.0.4', ''));
    expect(results.slice(0, 4).every((r) => !r.startsWith('connect'))).toBe(true);
    expect(results[4]).toMatch(/^connect 421 4\.7\.0 Too many connections per minute from your address/);
  }, 60_000);
});

describe('greylisting on the MX listener', () => {
  let mr: MailroomProcess;
  const rcpt = async (source: string) => (await session(mr.ports.smtp, source, oneMessage(9))).split('\n').find((l) => l.startsWith('rcpt ')) ?? '';

  beforeAll(async () => {
    mr = await MailroomProcess.create({ env: { MAILROOM_SMTP_GREYLISTING: 'true', MAILROOM_SMTP_GREYLIST_DELAY_SECONDS: '8', MAILROOM_SMTP_GREYLIST_EXEMPT: '127.0.0.7' } });
    await mr.cli('domain', 'add', 'example.test');
    await mr.cli('account', 'add', 'alice@example.test', '--password', 'alice pw');
    await mr.start();
  }, 60_000);

  afterAll(async () => {
    await mr?.stop();
    mr?.cleanup();
  });

  it('first attempt 451 4.7.1, an early retry 451 again, the retry after the delay accepted and remembered', async () => {
    expect(await rcpt('127.0.0.6')).toMatch(/^rcpt 451 4\.7\.1 Greylisted: this sender is new here, please try again in 8 seconds$/);
    const early = await rcpt('127.0.0.6');
    expect(early).toMatch(/^rcpt 451 4\.7\.1 Greylisted: this sender is new here, please try again in [1-8] seconds$/);
    // Wait as long as the server said, and a little more.
    await new Promise((r) => setTimeout(r, Number(/in (\d+) seconds/.exec(early)![1]) * 1000 + 500));
    expect(await rcpt('127.0.0.6')).toMatch(/^rcpt 250 /);
    expect(await rcpt('127.0.0.6')).toMatch(/^rcpt 250 /);
    const text = await (await mr.admin('/metrics')).text();
    expect(Number(/^mailroom_smtp_rejections_total\{reason="greylisted"\} (\d+)/m.exec(text)?.[1])).toBe(2);
  }, 60_000);

  it('a network on smtp.greylist_exempt is never greylisted', async () => {
    expect(await rcpt('127.0.0.7')).toMatch(/^rcpt 250 /);
  }, 30_000);
});
