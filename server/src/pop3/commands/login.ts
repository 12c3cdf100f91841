// The end of USER/PASS and of AUTH PLAIN: check the password, lock the maildrop, open it.
import { Maildrop } from '../maildrop.ts';
import { Pop3Error } from '../reply.ts';
import type { Pop3Context } from './context.ts';

export async function logIn(session: Pop3Context, user: string, password: string): Promise<void> {
  const { store, locks } = session;
  const result = await session.auth.login('pop3', session.remoteAddress, user, password);
  if (!result.ok) {
    session.authFailures++;
    session.log.info({ remote: session.remoteAddress }, 'authentication failed');
    if (result.banned || session.authFailures >= session.auth.maxFailuresPerSession) {
      session.close('-ERR [AUTH] Authentication failed; too many attempts\r\n');
      return;
    }
    throw new Pop3Error('Authentication failed', 'AUTH');
  }
  const { account } = result;
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
