// Greylisting (RFC 6647): a first attempt from an unknown (client network, sender, recipient) triplet is
// deferred; the same triplet retried after the delay passes and is remembered. Kept in the store, so a
// retry that reaches another node of a cluster is recognised, and a restart forgets nobody.

export interface GreylistPolicy {
  /** A retry earlier than this after the first attempt is deferred again (smtp.greylist_delay_seconds). */
  delayMs: number;
  /** A first attempt not retried within this is forgotten: the next one starts over (a day or two). */
  retryWindowMs: number;
  /** A passed triplet is let through without delay for this long after it was last seen (smtp.greylist_pass_days). */
  passTtlMs: number;
}

export type GreylistVerdict =
  /** Let through: retried after the delay, or seen passing recently. */
  | { pass: true }
  /** Deferred (451 4.7.1): try again after retryInMs. */
  | { pass: false; retryInMs: number };

export interface GreylistStore {
  /** Records an attempt of the triplet at `now` and says whether it passes. One atomic step per call. */
  checkGreylist(triplet: string, now: number, policy: GreylistPolicy): Promise<GreylistVerdict>;
  /** Deletes triplets that can no longer pass or stay passed (older than the policy keeps them); returns how many. */
  pruneGreylist(now: number, policy: GreylistPolicy): Promise<number>;
}

/** The decision for a triplet's row as read (null: never seen), shared by every implementation. */
export function greylistDecision(
  row: { firstSeen: number; passedAt: number | null; lastSeen: number } | null,
  now: number,
  policy: GreylistPolicy,
): { verdict: GreylistVerdict; write: { firstSeen: number; passedAt: number | null; lastSeen: number } } {
  if (row && row.passedAt !== null && now - row.lastSeen < policy.passTtlMs) {
    return { verdict: { pass: true }, write: { ...row, lastSeen: now } };
  }
  if (row && row.passedAt === null && now - row.firstSeen < policy.retryWindowMs) {
    const waited = now - row.firstSeen;
    if (waited >= policy.delayMs) return { verdict: { pass: true }, write: { firstSeen: row.firstSeen, passedAt: now, lastSeen: now } };
    return { verdict: { pass: false, retryInMs: policy.delayMs - waited }, write: { ...row, lastSeen: now } };
  }
  // Never seen, or its record too old to count: this attempt is the first.
  return { verdict: { pass: false, retryInMs: policy.delayMs }, write: { firstSeen: now, passedAt: null, lastSeen: now } };
}
