// Mailbox names on the wire are modified UTF-7 (RFC 3501 section 5.1.3); the store keeps Unicode.
// "Entwürfe" travels as "Entw&APw-rfe", a plain "&" as "&-". A session that enabled IMAP4rev2 uses UTF-8
// both ways instead (RFC 9051 5.1), where "&" is just "&".
import { no } from './errors.ts';

const PRINTABLE = /^[\x20-\x7e]$/;

export function encodeMailboxName(name: string): string {
  let out = '';
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const utf16 = Buffer.alloc(pending.length * 2);
    for (let i = 0; i < pending.length; i++) utf16.writeUInt16BE(pending.charCodeAt(i), i * 2);
    out += `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = '';
  };
  for (const ch of name) {
    if (PRINTABLE.test(ch)) {
      flush();
      out += ch === '&' ? '&-' : ch;
    } else {
      pending += ch;
    }
  }
  flush();
  return out;
}

/** null when the text is not valid modified UTF-7. */
export function decodeMailboxName(wire: string): string | null {
  let out = '';
  for (let i = 0; i < wire.length; i++) {
    const ch = wire[i]!;
    if (ch !== '&') {
      if (!PRINTABLE.test(ch)) return null;
      out += ch;
      continue;
    }
    const end = wire.indexOf('-', i + 1);
    if (end < 0) return null;
    const b64 = wire.slice(i + 1, end);
    i = end;
    if (b64 === '') {
      out += '&';
      continue;
    }
    // Whole UTF-16 units only: 3, 6 or 8 base64 characters per 1, 2 or 3 units.
    if (!/^[A-Za-z0-9+,]+$/.test(b64) || ![0, 3, 6].includes(b64.length % 8)) return null;
    const utf16 = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (utf16.length % 2 !== 0) return null;
    for (let j = 0; j < utf16.length; j += 2) out += String.fromCharCode(utf16.readUInt16BE(j));
  }
  return out;
}

/**
 * A mailbox argument as the client sent it. 8-bit bytes are read as UTF-8: clients that ignore
 * modified UTF-7 are common, and the name they mean is not in doubt.
 */
export function mailboxFromWire(raw: Buffer, utf8 = false): string {
  if (utf8 || raw.some((b) => b >= 0x80)) {
    const text = raw.toString('utf8');
    if (text.includes('\ufffd')) throw no('Mailbox name is neither modified UTF-7 nor UTF-8', 'CANNOT');
    return text;
  }
  const decoded = decodeMailboxName(raw.toString('latin1'));
  if (decoded === null) throw no('Mailbox name is not valid modified UTF-7', 'CANNOT');
  return decoded;
}

/**
 * A LIST or LSUB pattern (or reference) as the client sent it. Unlike a mailbox name, a pattern that is not
 * modified UTF-7 is not an error: LIST answers OK with what matches (imaptest's atoms script lists
 * `!#$&'+,-...%*`, which Dovecot accepts). Such a pattern is matched as the text it is.
 */
export function patternFromWire(raw: Buffer, utf8 = false): string {
  if (utf8 || raw.some((b) => b >= 0x80)) return raw.toString('utf8');
  return decodeMailboxName(raw.toString('latin1')) ?? raw.toString('latin1');
}

/**
 * A stored name as the session writes it, one char per byte for response.ts: modified UTF-7, or its UTF-8
 * bytes once the session enabled IMAP4rev2.
 */
export function mailboxToWire(name: string, utf8: boolean): string {
  return utf8 ? Buffer.from(name, 'utf8').toString('latin1') : encodeMailboxName(name);
}
