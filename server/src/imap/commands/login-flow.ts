// The end of LOGIN and AUTHENTICATE: check the password and enter the authenticated state.
import { no } from '../errors.ts';
import type { Completion, ImapContext } from './context.ts';

export async function logIn(session: ImapContext, tag: string, user: string, password: string): Promise<Completion> {
  const result = await session.auth.login('imap', session.remoteAddress, user, password);
  if (!result.ok) {
    session.authFailures++;
    session.log.info({ remote: session.remoteAddress }, 'authentication failed');
    const { banned } = result;
    if (banned || session.authFailures >= session.auth.maxFailuresPerSession) {
      await session.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed\r\n`);
      session.close(banned ? '* BYE Too many failed logins from your address\r\n' : '* BYE Too many failed logins\r\n');
      return 'done';
    }
    throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
  const { account } = result;
  if (!session.userHasRoom(account.address)) {
    session.limitHit('sessions_per_user');
    session.log.info({ user: account.address }, 'login refused: too many sessions for this user');
    throw no('Too many sessions for this user; log out of another one', 'LIMIT');
  }
  session.account = account;
  session.state = 'authenticated';
  session.authenticated();
  session.log.info({ user: account.address }, 'logged in');
  return { code: `CAPABILITY ${session.capabilities()}`, text: 'Logged in' };
}
