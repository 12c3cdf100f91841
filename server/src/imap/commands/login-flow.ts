// The end of LOGIN and AUTHENTICATE: check the password and enter the authenticated state.
import { checkCredentials } from '../../auth/credentials.ts';
import { failedLogin } from '../../auth/failed-login.ts';
import { no } from '../errors.ts';
import { MAX_AUTH_FAILURES } from '../limits.ts';
import type { Completion, ImapSession } from '../session.ts';

export async function logIn(session: ImapSession, tag: string, user: string, password: string): Promise<Completion> {
  const account = await checkCredentials(session.store, user, password);
  if (!account) {
    session.authFailures++;
    session.log.info({ remote: session.remoteAddress }, 'authentication failed');
    const banned = await failedLogin(session.deps, 'imap', session.remoteAddress);
    if (banned || session.authFailures >= MAX_AUTH_FAILURES) {
      await session.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed\r\n`);
      session.close(banned ? '* BYE Too many failed logins from your address\r\n' : '* BYE Too many failed logins\r\n');
      return 'done';
    }
    throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  session.account = account;
  session.state = 'authenticated';
  session.log.info({ user: account.address }, 'logged in');
  return { code: `CAPABILITY ${session.capabilities()}`, text: 'Logged in' };
}
