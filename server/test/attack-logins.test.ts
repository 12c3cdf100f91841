// Password guessing and address harvesting as an attacker does them, against a real `mailroom serve` on
// loopback. Each attacker is its own loopback address (127.0.0.x), so bans can be shown without locking
// the test out (auth.ban_loopback on). What must hold:
// - a ban closes the banned address's sessions that were already open (SMTP, IMAP, POP3), so they cannot
//   keep guessing (before: 20 open SMTP sessions got 372 guesses answered in 30 s after the ban);
// - SMTP AUTH closes a session after auth.max_failures_per_session failures, like IMAP and POP3;
// - failures from one address wait longer each time (auth.failure_delay_ms doubling);
// - RCPT to unknown users is limited per session (421) and counts toward the ban;
// - AUTH PLAIN with another user's authorization identity is refused;
// - /healthz answers within 100 ms throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchHealth } from './helpers/health-watch.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { RawClient } from './helpers/raw-client.ts';

const TOKEN = 'attack-logins-admin-token-6c1f0e2a9b7d4e';
const PASSWORD = 'the real password';
let mr: MailroomProcess;

const plain = (authzid: string, user: string, password: string) => Buffer.from(`${authzid}\0${user}\0${password}`).toString('base64');

async function smtpSession(port: number, from: string): Promise<RawClient> {
  const c = await RawClient.connect(port, from);
  await c.waitFor(/^220 /m);
  const mark = c.output.length;
  c.send('EHLO attacker.test\r\n');
  await c.waitFor(/^250 /m, 5_000, mark);
  return c;
}

/** Sends one line and waits for the reply that matches; returns the text received after the line. */
async function exchange(c: RawClient, line: string, reply: RegExp, timeoutMs = 15_000): Promise<string> {
  const mark = c.output.length;
  c.send(`${line}\r\n`);
  return c.waitFor(reply, timeoutMs, mark);
}

async function waitClosed(c: RawClient, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!c.isClosed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_ADMIN_TOKEN: TOKEN,
      MAILROOM_AUTH_BAN_LOOPBACK: 'true',
      MAILROOM_AUTH_BAN_FAILURES: '5',
      MAILROOM_AUTH_FAILURE_DELAY_MS: '100',
      MAILROOM_AUTH_FAILURE_DELAY_MAX_MS: '1600',
      MAILROOM_SMTP_MAX_UNKNOWN_RECIPIENTS: '5',
    },
  });
  await mr.cli('domain', 'add', 'attack.test');
  await mr.cli('account', 'add', 'victim@attack.test', '--password', PASSWORD);
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('attacks on logins', () => {
  it('a ban closes every session its address already had open, on SMTP, IMAP and POP3', async () => {
    const health = await watchHealth(mr);
    const from = '127.0.0.21';
    const smtp = await Promise.all(Array.from({ length: 8 }, () => smtpSession(mr.ports.submission, from)));
    const imap = await RawClient.connect(mr.ports.imap, from);
    await imap.waitFor(/^\* OK/m);
    const pop = await RawClient.connect(mr.ports.pop3, from);
    await pop.waitFor(/^\+OK/m);
    // Five wrong passwords over three sessions (each stays under the per-session limit): the fifth bans.
    for (const [session, tries] of [
      [smtp[0]!, 2],
      [smtp[1]!, 2],
      [smtp[2]!, 1],
    ] as const) {
      for (let i = 0; i < tries; i++) await exchange(session, `AUTH PLAIN ${plain('', 'victim@attack.test', `guess ${i}`)}`, /^(535|421) /m);
    }
    // The ban lands during the fifth try, so that session hears about the ban like the others.
    expect(smtp[2]!.output).toMatch(/^421 4\.7\.1 /m);
    // Every other session of that address is told and closed, including the ones never used.
    for (const s of [...smtp.slice(3), imap, pop]) await waitClosed(s);
    for (const s of smtp.slice(3)) expect(s.output).toMatch(/^421 4\.7\.1 Access from your address is blocked/m);
    expect(imap.output).toMatch(/^\* BYE \[UNAVAILABLE\] Access from your address is blocked/m);
    expect(pop.output).toMatch(/^-ERR \[SYS\/TEMP\] Access from your address is blocked/m);
    expect([...smtp.slice(3), imap, pop].every((s) => s.isClosed)).toBe(true);
    // Nothing more is answered to that address: a correct password on an old session cannot get in.
    const metrics = await (await mr.admin('/metrics')).text();
    expect(Number(/^mailroom_sessions_closed_by_ban_total (\S+)$/m.exec(metrics)![1])).toBeGreaterThanOrEqual(7);
    const { slowestMs, failures } = await health.stop();
    expect(failures).toBe(0);
    expect(slowestMs).toBeLessThan(100);
    for (const s of smtp) s.close();
  });

  it('SMTP AUTH ends the session after auth.max_failures_per_session failures, and failures from one address wait longer each time', async () => {
    const s = await smtpSession(mr.ports.submission, '127.0.0.22');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await exchange(s, `AUTH PLAIN ${plain('', 'victim@attack.test', `wrong ${i}`)}`, /^(535|421) /m);
      waits.push(performance.now() - started);
    }
    expect(s.output).toMatch(/^535 5\.7\.8 Authentication credentials invalid/m);
    expect(s.output).toMatch(/^421 4\.7\.0 Too many failed logins; closing/m);
    await waitClosed(s);
    expect(s.isClosed).toBe(true);
    // 100, 200, 400 ms of delay (lower bounds only: the machine may add to them, never take away).
    expect(waits[0]).toBeGreaterThanOrEqual(95);
    expect(waits[1]).toBeGreaterThanOrEqual(195);
    expect(waits[2]).toBeGreaterThanOrEqual(395);
  });

  it('refuses AUTH PLAIN that acts for another user, without counting a guess', async () => {
    const s = await smtpSession(mr.ports.submission, '127.0.0.23');
    expect(await exchange(s, `AUTH PLAIN ${plain('postmaster@attack.test', 'victim@attack.test', PASSWORD)}`, /^535 /m)).toMatch(
      /^535 5\.7\.8 Authorization identity must be empty or the authentication identity/m,
    );
    expect(await exchange(s, `AUTH PLAIN ${plain('victim@attack.test', 'victim@attack.test', PASSWORD)}`, /^235 /m)).toMatch(/^235 /m);
    s.close();
  });

  it('limits RCPT to unknown users per session (address harvesting) and counts it toward the ban', async () => {
    const health = await watchHealth(mr);
    const from = '127.0.0.24';
    const s = await smtpSession(mr.ports.smtp, from);
    await exchange(s, 'MAIL FROM:<probe@elsewhere.test>', /^250 /m);
    for (let i = 0; i < 5; i++) expect(await exchange(s, `RCPT TO:<nobody${i}@attack.test>`, /^\d{3} /m)).toMatch(/^550 5\.1\.1 /m);
    // The real user is still accepted: the limit counts unknown users only.
    expect(await exchange(s, 'RCPT TO:<victim@attack.test>', /^\d{3} /m)).toMatch(/^250 /m);
    expect(await exchange(s, 'RCPT TO:<nobody5@attack.test>', /^\d{3} /m)).toMatch(/^421 4\.7\.0 Too many unknown recipients; closing/m);
    await waitClosed(s);
    expect(s.isClosed).toBe(true);
    const metrics = await (await mr.admin('/metrics')).text();
    expect(metrics).toMatch(/^mailroom_smtp_rejections_total\{reason="too_many_unknown_recipients"\} 1$/m);
    // Four more harvesting sessions make five strikes: the address is banned and refused at connect.
    for (let round = 0; round < 4; round++) {
      const h = await smtpSession(mr.ports.smtp, from);
      await exchange(h, 'MAIL FROM:<probe@elsewhere.test>', /^250 /m);
      for (let i = 0; i < 6; i++) await exchange(h, `RCPT TO:<nobody${i}@attack.test>`, /^\d{3} /m);
      await waitClosed(h);
    }
    const refused = await RawClient.connect(mr.ports.smtp, from);
    expect(await refused.waitFor(/^554 /m)).toMatch(/^554 5\.7\.1 Access from your address is blocked/m);
    refused.close();
    const { slowestMs, failures } = await health.stop();
    expect(failures).toBe(0);
    expect(slowestMs).toBeLessThan(100);
  });
});
