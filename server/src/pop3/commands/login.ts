// The end of USER/PASS and of AUTH PLAIN: check the password, lock the maildrop, open it.
import { checkCredentials } from '../../auth/credentials.ts';
import { failedLogin } from '../../auth/failed-login.ts';
import { MAX_AUTH_FAILURES } from '../limits.ts';
import { Maildrop } from '../maildrop.ts';
import { Pop3Error } from '../reply.ts';
import type { Pop3Session } from '../session.ts';

export async function logIn(session: Pop3Session, user: string, password: string): Promise<void> {
  const { store, locks } = session.deps;
  const account = await checkCredentials(store, user, password);
  if (!account) {
    session.authFailures++;
    session.log.info({ remote: session.remoteAddress }, 'authentication failed');
    const banned = await failedLogin(session.deps, 'pop3', session.remoteAddress);
    if (banned || session.authFailures >= MAX_AUTH_FAILURES) {
      session.close('-ERR [AUTH] Authentication failed; too many attempts\r\n');
      return;
    }
    throw new Pop3Error('Authentication failed', 'AUTH');
  }
  // Checked after the password, so the lock does not reveal which accounts exist.
  if (!locks.tryLock(account.id)) throw new Pop3Error('Maildrop is in use by another POP3 session', 'IN-USE');
  try {
    const drop = await Maildrop.open(store, account.id);
    session.enterTransaction(account, drop);
  } catch (err) {
    locks.unlock(account.id);
    throw err instanceof Pop3Error ? err : new Pop3Error('Could not open the maildrop, try again later', 'SYS/TEMP');
  }
  const { count, size } = session.maildrop.stat();
  await session.send(`+OK Logged in, ${count} messages (${size} octets)\r\n`);
}
