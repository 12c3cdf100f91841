// Storage quotas at SMTP (quota.default_bytes, quota.default_messages, per-account limits): a local
// recipient whose mailbox would be over its quota is refused with 552 5.2.2 (RFC 3463: mailbox full),
// permanent as Postfix and Dovecot answer it, so the sender hears at once rather than after days of
// retries. At RCPT only what is known: the SIZE= of MAIL FROM (RFC 1870), else whether the mailbox is
// already full; at DATA the real size, for every local recipient (docs/quotas.md).
import type { Store } from '../store/store.ts';
import { effectiveLimits, wouldExceedQuota } from '../store/quota-limits.ts';
import type { NewRecipient as Recipient } from '../store/types.ts';

/**
 * The first local recipient (by account) that `bytes` more would take over its quota, or null. Accounts
 * found to have a limit are added to `limited` when given: RCPT collects them, so that DATA looks again
 * only at those (an account without a limit costs no second lookup; a limit set in the moment between
 * the two applies from the next transaction, docs/quotas.md).
 */
export async function recipientOverQuota(store: Store, recipients: readonly Recipient[], bytes: number, limited?: Set<number>): Promise<Recipient | null> {
  const seen = new Set<number>();
  for (const recipient of recipients) {
    if (recipient.destination !== 'local' || recipient.accountId === undefined || seen.has(recipient.accountId)) continue;
    seen.add(recipient.accountId);
    const quota = await store.getQuota(recipient.accountId);
    if (!quota) continue;
    const limits = effectiveLimits(quota);
    if (limits.bytes > 0 || limits.messages > 0) limited?.add(recipient.accountId);
    if (wouldExceedQuota(quota, bytes)) return recipient;
  }
  return null;
}

/** The SIZE= a client declared in MAIL FROM, or 1: at least one more byte must fit. */
export function declaredSize(args: unknown): number {
  const size = args && typeof args === 'object' ? Number((args as Record<string, unknown>)['SIZE']) : NaN;
  return Number.isFinite(size) && size > 0 ? size : 1;
}

export const mailboxFullMessage = (address: string) => `5.2.2 <${address}>: Mailbox full: over its storage quota`;
