// The authentication cache (issue 16 item 5) with real clients: imaplib, poplib and smtplib logins after a
// first success are answered from the cache (counted in the service's LoginCache.hits); a wrong password
// never is; a password change or account removal takes effect at the very next login, within the TTL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/auth/password.ts';
import { MailStack } from './helpers/mail-stack.ts';
import { python } from './helpers/python.ts';

let stack: MailStack;

const logins = (user: string, password: string, protocols: string[]) =>
  python(
    `
import imaplib, poplib, smtplib, os
user, pw = os.environ['LOGIN_USER'], os.environ['LOGIN_PW']
for p in os.environ['PROTOCOLS'].split(','):
    try:
        if p == 'imap':
            m = imaplib.IMAP4('127.0.0.1', int(os.environ['IMAP']), timeout=10); m.login(user, pw); m.logout()
        elif p == 'pop3':
            m = poplib.POP3('127.0.0.1', int(os.environ['POP3']), timeout=10); m.user(user); m.pass_(pw); m.quit()
        else:
            m = smtplib.SMTP('127.0.0.1', int(os.environ['SUBMISSION']), timeout=10); m.ehlo(); m.login(user, pw); m.quit()
        print(p, 'ok')
    except Exception as e:
        print(p, 'failed', type(e).__name__)
`,
    { IMAP: String(stack.ports.imap), POP3: String(stack.ports.pop3), SUBMISSION: String(stack.ports.submission), LOGIN_USER: user, LOGIN_PW: password, PROTOCOLS: protocols.join(',') },
  );

beforeAll(async () => {
  // No failure delay: the wrong-password cases would otherwise wait a second each.
  stack = await MailStack.start({ MAILROOM_AUTH_FAILURE_DELAY_MS: '0' });
  await stack.addAccount('dave@example.test', 'dave-pw');
});

afterAll(async () => {
  await stack?.stop();
});

describe('authentication cache', () => {
  it('answers repeated logins over IMAP, POP3 and SMTP AUTH from the cache, and never a wrong password', async () => {
    const cache = stack.service.auth.cache;
    expect(await logins('dave@example.test', 'dave-pw', ['imap'])).toBe('imap ok\n');
    const before = cache.hits;
    expect(await logins('dave@example.test', 'dave-pw', ['imap', 'pop3', 'smtp'])).toBe('imap ok\npop3 ok\nsmtp ok\n');
    expect(cache.hits - before).toBe(3);
    expect(await logins('dave@example.test', 'wrong', ['imap', 'pop3'])).toBe('imap failed error\npop3 failed error_proto\n');
    expect(cache.hits - before).toBe(3);
  });

  it('drops a remembered login at once on a password change and on account removal', async () => {
    expect(await logins('dave@example.test', 'dave-pw', ['imap'])).toBe('imap ok\n');
    await stack.store.setPassword('dave@example.test', await hashPassword('new-pw'));
    expect(await logins('dave@example.test', 'dave-pw', ['imap', 'pop3'])).toBe('imap failed error\npop3 failed error_proto\n');
    expect(await logins('dave@example.test', 'new-pw', ['imap', 'imap'])).toBe('imap ok\nimap ok\n');
    await stack.store.removeAccount('dave@example.test');
    expect(await logins('dave@example.test', 'new-pw', ['imap'])).toBe('imap failed error\n');
  });
});
