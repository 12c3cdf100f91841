// Mailbox names as every store implementation checks them: INBOX in any case, and the limits on length,
// depth and characters that keep a name usable by every IMAP client.
import { MAILBOX_DELIMITER, MailboxError } from './mailbox-store.ts';

const MAX_NAME_LENGTH = 255;
const MAX_DEPTH = 32;

/** INBOX is case-insensitive, also as the first level of a longer name (RFC 3501 5.1). */
export function canonicalName(name: string): string {
  const first = name.split(MAILBOX_DELIMITER, 1)[0]!;
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + name.slice(first.length) : name;
}

export function checkName(name: string): void {
  const levels = name.split(MAILBOX_DELIMITER);
  const why =
    name.length === 0
      ? 'is empty'
      : name.length > MAX_NAME_LENGTH
        ? `is longer than ${MAX_NAME_LENGTH} characters`
        : levels.length > MAX_DEPTH
          ? `has more than ${MAX_DEPTH} levels`
          : levels.some((l) => l === '')
            ? `has an empty level (leading, trailing or doubled "${MAILBOX_DELIMITER}")`
            : /[\x00-\x1f\x7f*%]/.test(name)
              ? 'contains control characters or the wildcards * and %'
              : null;
  if (why) throw new MailboxError('invalid', `mailbox name ${why}`);
}
