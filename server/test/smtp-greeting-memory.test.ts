// The MX greeting check that remembers (smtp.greeting_pass_ttl_seconds): a client address that waited for
// the greeting (Python's smtplib, from 127.0.0.2) is greeted at once on its next connection, so even a
// client that talks at once is served; an address that never passed (127.0.0.3) still gets 421 4.5.0 for
// talking first, every time. Each outcome is counted in mailroom_smtp_greeting_checks_total. Loopback
// addresses other than 127.0.0.1 reach the server's 127.0.0.1 on Linux, giving the test several clients.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  // A delay far longer than a loopback round trip, so a client that writes on connect is always early.
  stack = await MailStack.start({ MAILROOM_SMTP_GREETING_DELAY_MS: '500', MAILROOM_SMTP_GREETING_PASS_TTL_SECONDS: '86400' });
});
afterAll(() => stack?.stop());

async function checks(): Promise<Record<string, number>> {
  const text = await stack.service.metrics.registry.getSingleMetricAsString('mailroom_smtp_greeting_checks_total');
  return Object.fromEntries([...text.matchAll(/result="(\w+)"\} (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** Connects from `from`, writes EHLO the moment the connection opens, and returns every line until the server closes or answers the EHLO. */
function talkAtOnce(from: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: stack.ports.smtp, host: '127.0.0.1', localAddress: from }, () => socket.write('EHLO early.test\r\n'));
    let text = '';
    let done = false;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (done || !/^(250|421) /m.test(text)) return;
      done = true;
      if (socket.writable) socket.end('QUIT\r\n');
    });
    socket.on('close', () => resolve(text.split('\r\n').filter(Boolean)));
    socket.on('error', reject);
  });
}

describe('greeting check with remembered passes', () => {
  it('greets an address that passed at once afterwards, and keeps disconnecting one that never did', async () => {
    expect(await checks()).toEqual({ passed: 0, skipped: 0, early_talker: 0 });

    // A polite client waits for the greeting: a pass, remembered for its address.
    const out = await python(
      `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), source_address=('127.0.0.2', 0), timeout=10)
print('ehlo', s.ehlo()[0])
s.quit()
`,
      { PORT: String(stack.ports.smtp) },
    );
    expect(out).toContain('ehlo 250');
    expect(await checks()).toEqual({ passed: 1, skipped: 0, early_talker: 0 });

    // Its next connection is greeted at once: even talking first is fine now.
    const again = await talkAtOnce('127.0.0.2');
    expect(again[0]).toMatch(/^220 /);
    expect(again.some((l) => /^250 /.test(l))).toBe(true);
    expect(await checks()).toEqual({ passed: 1, skipped: 1, early_talker: 0 });

    // Another address talks first: 421 4.5.0, twice, since a failure is never remembered as a pass.
    for (let i = 0; i < 2; i++) {
      const early = await talkAtOnce('127.0.0.3');
      expect(early).toHaveLength(1);
      expect(early[0]).toMatch(/^421 4\.5\.0 .*before the greeting/);
    }
    expect(await checks()).toEqual({ passed: 1, skipped: 1, early_talker: 2 });
    const rejections = await stack.service.metrics.registry.getSingleMetricAsString('mailroom_smtp_rejections_total');
    expect(rejections).toMatch(/reason="early_talker"\} 2$/m);
  });
});
