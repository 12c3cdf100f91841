// Serialising IMAP response data (RFC 3501 section 4): atoms, quoted strings, literals, NIL and
// parenthesised lists. Text taken from messages is a "binary" string (one char per byte, as mime/
// produces it) and goes out byte for byte; anything that is not plain printable ASCII goes as a literal.

export type Wire = Buffer;

const NIL = Buffer.from('NIL');
const QUOTABLE = /^[\x20-\x7e]*$/;
const ATOM = /^[^\x00-\x20\x7f-\uffff(){%*"\\\]]+$/;

/** Bytes of a string: one byte per char when it is a binary string, otherwise UTF-8. */
export function bytes(value: string | Buffer): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return /^[\x00-\xff]*$/.test(value) ? Buffer.from(value, 'latin1') : Buffer.from(value, 'utf8');
}

export const text = (s: string): Wire => Buffer.from(s, 'latin1');

export function literal(value: string | Buffer): Wire {
  const b = bytes(value);
  return Buffer.concat([Buffer.from(`{${b.length}}\r\n`), b]);
}

/**
 * A literal as its header and its bytes, unjoined: a message body is sent without being copied. A literal
 * may not hold NUL (CHAR8, RFC 3501 section 9), which only a BINARY APPEND (literal8) can store: such a
 * message goes out with each NUL as 0x80, as Dovecot sends it; BINARY[] still gives the bytes as stored.
 */
export function literalParts(value: Buffer): [Wire, Wire] {
  const body = value.includes(0) ? Buffer.from(value.map((b) => (b === 0 ? 0x80 : b))) : value;
  return [Buffer.from(`{${body.length}}\r\n`), body];
}

/** A string as a quoted string when it can be one, else as a literal. */
export function string(value: string | Buffer): Wire {
  const s = Buffer.isBuffer(value) ? value.toString('latin1') : value;
  if (s.length < 1024 && QUOTABLE.test(s)) return Buffer.from(`"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`, 'latin1');
  return literal(value);
}

export const nstring = (value: string | Buffer | null | undefined): Wire => (value === null || value === undefined ? NIL : string(value));

/** An astring (mailbox names): a bare atom when possible, the way most servers write them. */
export function astring(value: string): Wire {
  return value !== '' && ATOM.test(value) && value.toUpperCase() !== 'NIL' ? Buffer.from(value, 'latin1') : string(value);
}

export function join(items: readonly Wire[], separator = ' '): Wire {
  const sep = Buffer.from(separator);
  const parts: Buffer[] = [];
  items.forEach((item, i) => {
    if (i > 0) parts.push(sep);
    parts.push(item);
  });
  return Buffer.concat(parts);
}

export const list = (items: readonly Wire[]): Wire => Buffer.concat([Buffer.from('('), join(items), Buffer.from(')')]);

/** A list, or NIL when there is nothing in it (ENVELOPE address lists, BODYSTRUCTURE parameters). */
export const nlist = (items: readonly Wire[]): Wire => (items.length === 0 ? NIL : list(items));

export { NIL };
