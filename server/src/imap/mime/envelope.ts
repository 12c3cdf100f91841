// ENVELOPE (RFC 3501 section 7.4.2) from a message's header fields, values as sent.
import { NIL, list, nstring, text, type Wire } from '../protocol/response.ts';
import { parseAddressList } from './address.ts';
import { fieldValue, type HeaderField } from './header.ts';

function addresses(value: string | undefined): Wire {
  if (value === undefined || value.trim() === '') return NIL;
  const parsed = parseAddressList(value);
  if (parsed.length === 0) return NIL;
  // 1*address: the addresses follow each other without a separator (RFC 3501 section 9).
  const items = parsed.map((a) => list([nstring(a.name), nstring(a.adl), nstring(a.mailbox), nstring(a.host)]));
  return Buffer.concat([text('('), ...items, text(')')]);
}

export function envelope(fields: readonly HeaderField[]): Wire {
  const get = (name: string) => fieldValue(fields, name);
  const from = get('from');
  // RFC 3501: an absent or empty Sender or Reply-To is reported as the From value.
  const orFrom = (value: string | undefined) => (value === undefined || value.trim() === '' ? from : value);
  return list([
    nstring(get('date')),
    nstring(get('subject')),
    addresses(from),
    addresses(orFrom(get('sender'))),
    addresses(orFrom(get('reply-to'))),
    addresses(get('to')),
    addresses(get('cc')),
    addresses(get('bcc')),
    nstring(get('in-reply-to')),
    nstring(get('message-id')),
  ]);
}
