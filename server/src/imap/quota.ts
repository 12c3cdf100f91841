// Storage quotas for the IMAP commands that add mail (APPEND, COPY): NO [OVERQUOTA] (RFC 9208 section 4.3,
// RFC 5530), checked before the store is touched, so a refused command stores nothing. MOVE stays inside
// the account and changes no usage. The limits: quota.default_bytes/_messages or the account's own.
import { wouldExceedQuota } from '../store/quota-limits.ts';
import { no } from './errors.ts';
import type { ImapContext } from './commands/context.ts';

export async function checkQuota(session: ImapContext, bytes: number, messages: number): Promise<void> {
  const quota = await session.store.getQuota(session.user.id);
  if (quota && wouldExceedQuota(quota, bytes, messages)) {
    throw no('Mailbox is over its storage quota; delete mail (STORE \\Deleted, EXPUNGE) and try again', 'OVERQUOTA');
  }
}
