// Whether a message fits an account's quota. The defaults (quota.default_bytes, quota.default_messages) are
// set once at start by the service, as limits.max_keywords_per_message is (flag-changes.ts); 0 is unlimited.
import type { AccountQuota } from './quota-store.ts';

let defaults = { bytes: 0, messages: 0 };

export function setQuotaDefaults(bytes: number, messages: number): void {
  defaults = { bytes, messages };
}

/** The limits that apply to an account: its own where set, else the defaults (0: unlimited). */
export function effectiveLimits(quota: AccountQuota): { bytes: number; messages: number } {
  return { bytes: quota.quotaBytes ?? defaults.bytes, messages: quota.quotaMessages ?? defaults.messages };
}

/** True when adding `messages` messages of `bytes` in total would take the account over a limit. */
export function wouldExceedQuota(quota: AccountQuota, bytes: number, messages = 1): boolean {
  const limits = effectiveLimits(quota);
  if (limits.bytes > 0 && quota.usedBytes + bytes > limits.bytes) return true;
  if (limits.messages > 0 && quota.usedMessages + messages > limits.messages) return true;
  return false;
}

/** The fraction of the tighter limit in use (0 when unlimited), for the accounts-over-90% gauge. */
export function quotaUseRatio(quota: AccountQuota): number {
  const limits = effectiveLimits(quota);
  const byBytes = limits.bytes > 0 ? quota.usedBytes / limits.bytes : 0;
  const byMessages = limits.messages > 0 ? quota.usedMessages / limits.messages : 0;
  return Math.max(byBytes, byMessages);
}
