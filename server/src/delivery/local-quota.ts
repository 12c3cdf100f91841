// Storage quotas for local delivery from the queue (mail accepted before its mailbox filled up, or
// queued by the API or a POP3 fetch). A full mailbox is a temporary failure here (4.2.2, RFC 3463): the
// mail was already accepted, so it waits for the owner to make room and bounces only when it expires
// (delivery.expiry_seconds), as Exim's appendfile quota does, instead of being lost to a full moment.
import type { Store } from '../store/store.ts';
import { wouldExceedQuota } from '../store/quota-limits.ts';

/** The recipients whose account cannot take `bytes` more (each account is asked once). */
export async function overQuotaRecipients<R extends { accountId?: number | null | undefined }>(store: Pick<Store, 'getQuota'>, recipients: readonly R[], bytes: number): Promise<R[]> {
  const full = new Map<number, boolean>();
  const over: R[] = [];
  for (const recipient of recipients) {
    if (recipient.accountId === null || recipient.accountId === undefined) continue;
    if (!full.has(recipient.accountId)) {
      const quota = await store.getQuota(recipient.accountId);
      full.set(recipient.accountId, quota !== null && wouldExceedQuota(quota, bytes));
    }
    if (full.get(recipient.accountId)) over.push(recipient);
  }
  return over;
}
