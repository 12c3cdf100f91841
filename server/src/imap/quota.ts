// Storage quotas for the IMAP commands that add mail (APPEND, COPY): NO [OVERQUOTA] (RFC 9208 section 4.3,
// RFC 5530), checked before the store is touched, so a refused command stores nothing. MOVE stays inside
// the account and changes no usage. The limits: quota.default_bytes/_messages or the account's own.
import { effectiveLimits, wouldExceedQuota } from '../store/quota-limits.ts';
import { no } from './errors.ts';
import type { ImapContext } from './commands/context.ts';

export async function checkQuota(session: ImapContext, bytes: number, messages: number): Promise<void> {
  const quota = await session.store.getQuota(session.user.id);
  if (quota && wouldExceedQuota(quota, bytes, messages)) {
    throw no('Mailbox is over its storage quota; delete mail (STORE \\Deleted, EXPUNGE) and try again', 'OVERQUOTA');
  }
}

/**
 * The QUOTA extension's view (RFC 9208): one quota root, "", holding every mailbox of the account, with a
 * STORAGE resource (units of 1024 octets, usage rounded up) and a MESSAGE resource, each only when it has a
 * limit. An account without limits has no quota root at all (GETQUOTAROOT names none).
 */
export const QUOTA_ROOT = '';

export async function quotaResources(session: ImapContext): Promise<string | null> {
  const quota = await session.store.getQuota(session.user.id);
  if (!quota) return null;
  const limits = effectiveLimits(quota);
  const resources: string[] = [];
  if (limits.bytes > 0) resources.push(`STORAGE ${Math.ceil(quota.usedBytes / 1024)} ${Math.floor(limits.bytes / 1024)}`);
  if (limits.messages > 0) resources.push(`MESSAGE ${quota.usedMessages} ${limits.messages}`);
  return resources.length > 0 ? `QUOTA "" (${resources.join(' ')})` : null;
}
