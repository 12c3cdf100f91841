// What SEARCH FROM/TO/CC/BCC look in: the parsed addresses, not the raw header text. RFC 3501 says
// "contains the string in the field"; Dovecot (and imaptest's search-addresses script) match the
// addresses as parsed: "user@host (Real Name)" is found by "real name", and "<user (c)@ (c) host>" by
// "user@host". Each address is written as "Display Name <mailbox@host>" with the name decoded
// (RFC 2047), a group as "name:", and the search is a case-insensitive substring of that.
import { parseAddressList } from '../mime/address.ts';
import { decodeHeaderValue } from '../mime/decode.ts';

export const ADDRESS_FIELDS: ReadonlySet<string> = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'bcc']);

export function addressText(value: string): string {
  const out: string[] = [];
  for (const a of parseAddressList(value)) {
    if (a.mailbox === null) continue;
    if (a.host === null) {
      out.push(`${decodeHeaderValue(a.mailbox)}:`);
      continue;
    }
    const spec = a.host === '' ? a.mailbox : `${a.mailbox}@${a.host}`;
    out.push(a.name ? `${decodeHeaderValue(a.name)} <${spec}>` : `<${spec}>`);
  }
  return out.join(', ');
}
