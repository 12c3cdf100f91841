// What SORT and THREAD know of a message (RFC 5256): its sent date, the first mailbox of From, To and Cc,
// its base subject and its Message-ID, References and In-Reply-To. Only the header is parsed.
import type { StoredMail } from '../../store/types.ts';
import { parseAddressList } from '../mime/address.ts';
import { fieldValue, parseHeader } from '../mime/header.ts';
import { baseSubject, type BaseSubject } from './base-subject.ts';

export interface MessageFacts {
  uid: number;
  seq: number;
  arrival: number;
  size: number;
  /** The Date: header in UTC; the arrival time when it is missing or unreadable (RFC 5256 2.2). */
  sent: number;
  from: string;
  to: string;
  cc: string;
  subject: BaseSubject;
  messageId: string | null;
  /** References, or else the first message-id of In-Reply-To (RFC 5256 section 3, step 1A). */
  references: string[];
}

const MSG_ID = /<[^<>\s]+>/g;
const MAX_REFERENCES = 256;

function sentDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value.replace(/\([^()]*\)/g, ' ').trim());
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The addr-mailbox of the first address (RFC 5256 2.2: "the first From address"), '' if there is none. The
 * first address as ENVELOPE lists it: a group's start ("undisclosed: a@b;") is an address whose mailbox
 * is the group's name, as Dovecot sorts it (imaptest's sort-addresses script).
 */
function firstMailbox(value: string | undefined): string {
  if (value === undefined) return '';
  const first = parseAddressList(value).find((a) => a.mailbox !== null);
  return first?.mailbox ?? '';
}

export function messageFacts(mail: StoredMail, seq: number, content: Buffer | null): MessageFacts {
  const fields = content ? parseHeader(content, 0, content.length) : [];
  const get = (name: string) => fieldValue(fields, name);
  const ids = (name: string) => get(name)?.match(MSG_ID) ?? [];
  // The nearest ancestors are what threading needs; a sender's 100,000 references would only cost time
  // (each link walks up the chain to refuse loops).
  const references = ids('references').slice(-MAX_REFERENCES);
  return {
    uid: mail.uid,
    seq,
    arrival: mail.internalDate,
    size: mail.size,
    sent: sentDate(get('date')) ?? mail.internalDate,
    from: firstMailbox(get('from')),
    to: firstMailbox(get('to')),
    cc: firstMailbox(get('cc')),
    subject: baseSubject(get('subject') ?? ''),
    messageId: ids('message-id')[0] ?? null,
    references: references.length > 0 ? references : ids('in-reply-to').slice(0, 1),
  };
}
