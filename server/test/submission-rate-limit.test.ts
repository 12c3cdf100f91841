// submission.rate_per_hour with Python's smtplib: an authenticated user sends up to the limit, then MAIL
// FROM is answered 451 4.7.1 on every listener (submission and implicit TLS submissions share the count),
// while another user is unaffected; each refusal is counted as mailroom_smtp_rejections_total{reason="rate_limited"}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

beforeAll(async () => {
  stack = await MailStack.start({ MAILROOM_SUBMISSION_RATE_PER_HOUR: '3', MAILROOM_SUBMISSIONS_PORT: '0' });
  await stack.addAccount('alice@example.test', 'alice-secret');
  await stack.addAccount('bob@example.test', 'bob-secret');
});
afterAll(() => stack?.stop());

const SEND = `
import smtplib, ssl, os
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
def session(implicit):
    if implicit:
        return smtplib.SMTP_SSL('127.0.0.1', int(os.environ['SUBMISSIONS']), context=ctx, timeout=10)
    return smtplib.SMTP('127.0.0.1', int(os.environ['SUBMISSION']), timeout=10)
def send(user, password, n, implicit=False):
    s = session(implicit)
    s.login(user, password)
    for i in range(n):
        try:
            s.sendmail(user, ['alice@example.test'], f'From: {user}\\r\\nSubject: {i}\\r\\n\\r\\nhi\\r\\n')
            print(user, i, 'sent')
        except smtplib.SMTPSenderRefused as e:
            print(user, i, 'refused', e.smtp_code, e.smtp_error.decode())
    s.quit()
send('alice@example.test', 'alice-secret', 4)
send('alice@example.test', 'alice-secret', 1, implicit=True)
send('bob@example.test', 'bob-secret', 1)
`;

describe('submission.rate_per_hour', () => {
  it('refuses MAIL FROM with 451 4.7.1 past the limit, per user and across listeners', async () => {
    const out = await python(SEND, { SUBMISSION: String(stack.ports.submission), SUBMISSIONS: String(stack.ports.submissions) });
    const lines = out.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['alice@example.test 0 sent', 'alice@example.test 1 sent', 'alice@example.test 2 sent']);
    expect(lines[3]).toMatch(/^alice@example\.test 3 refused 451 4\.7\.1 Message rate limit exceeded: at most 3 messages per hour for alice@example\.test; try again in \d+ seconds$/);
    expect(lines[4]).toMatch(/^alice@example\.test 0 refused 451 4\.7\.1 /);
    expect(lines[5]).toBe('bob@example.test 0 sent');
    const rejections = await stack.service.metrics.registry.getSingleMetricAsString('mailroom_smtp_rejections_total');
    expect(rejections).toMatch(/reason="rate_limited"\} 2$/m);
  });
});
