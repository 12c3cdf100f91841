// What a STORE does to one message's flags (RFC 3501 6.4.6), in time linear in the flags involved.
// Flags compare case-insensitively; the spelling already on the message, or the first one asked for,
// is kept. A client sends the list, so no step may compare every flag with every other: 9,000
// keywords on 26 messages took 11 s that way.
import { MAX_KEYWORDS_PER_MESSAGE, MailboxError, type FlagOperation } from './mailbox-store.ts';

const key = (flag: string) => flag.toLowerCase();

function withoutDuplicates(flags: readonly string[], seen = new Set<string>()): string[] {
  const out: string[] = [];
  for (const f of flags) {
    if (seen.has(key(f))) continue;
    seen.add(key(f));
    out.push(f);
  }
  return out;
}

export function applyFlags(current: readonly string[], op: FlagOperation, flags: readonly string[]): string[] {
  if (op === 'replace') return withoutDuplicates(flags);
  if (op === 'remove') {
    const gone = new Set(flags.map(key));
    return current.filter((f) => !gone.has(key(f)));
  }
  return [...current, ...withoutDuplicates(flags, new Set(current.map(key)))];
}

export const keywordCount = (flags: readonly string[]) => flags.filter((f) => !f.startsWith('\\')).length;

/** limits.max_keywords_per_message: one value for the process, set at start; every store checks through checkKeywordLimit. */
let keywordsPerMessage = MAX_KEYWORDS_PER_MESSAGE;

export function setMaxKeywordsPerMessage(max: number): void {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max keywords per message must be a whole number above 0, not ${max}`);
  keywordsPerMessage = max;
}

export const maxKeywordsPerMessage = (): number => keywordsPerMessage;

/**
 * Refuses a change that leaves a message with more than maxKeywordsPerMessage() keywords. A change
 * that does not add keywords always passes, so a message over the cap (older data) can be cleaned up.
 */
export function checkKeywordLimit(before: readonly string[], after: readonly string[]): void {
  const count = keywordCount(after);
  if (count > keywordsPerMessage && count > keywordCount(before)) {
    throw new MailboxError('limit', `a message may carry at most ${keywordsPerMessage} keywords`);
  }
}
