// Decoding for SEARCH: header values with RFC 2047 encoded-words, and text parts through their
// Content-Transfer-Encoding and charset, so a search for "Grüße" finds it however it was sent.
import { fieldValue } from './header.ts';
import { mediaType, type MimePart } from './part.ts';

function charsetDecode(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

function decodeQ(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

/** A header value (binary string) as text: encoded-words decoded, raw 8-bit read as UTF-8. */
export function decodeHeaderValue(value: string): string {
  // White space between two adjacent encoded-words is not part of the text (RFC 2047 section 6.2).
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1');
  const utf8 = Buffer.from(joined, 'latin1').toString('utf8');
  return utf8.replace(ENCODED_WORD, (_, charset: string, enc: string, payload: string) => charsetDecode(enc.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQ(payload), charset));
}

const isHex = (c: number | undefined) => c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));

/**
 * Quoted-printable undone line by line (RFC 2045 6.7): white space at the end of a line was added in
 * transport and is deleted (rule 3), so "=" followed only by white space is still a soft line break
 * (rule 5); hard line breaks keep the ending they had. One pass, no regular expression over the
 * client's bytes (a long run of spaces must not cost quadratic time).
 */
export function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length);
  let n = 0;
  for (let i = 0; i < body.length;) {
    const lf = body.indexOf(0x0a, i);
    const next = lf === -1 ? body.length : lf + 1;
    const crlf = lf > i && body[lf - 1] === 0x0d;
    let end = lf === -1 ? body.length : crlf ? lf - 1 : lf;
    while (end > i && (body[end - 1] === 0x20 || body[end - 1] === 0x09)) end--;
    const soft = end > i && body[end - 1] === 0x3d;
    if (soft) end--;
    for (let j = i; j < end; j++) {
      const c = body[j]!;
      if (c === 0x3d && j + 2 < end && isHex(body[j + 1]) && isHex(body[j + 2])) {
        out[n++] = parseInt(body.toString('latin1', j + 1, j + 3), 16);
        j += 2;
      } else out[n++] = c;
    }
    if (!soft && lf !== -1) {
      if (crlf) out[n++] = 0x0d;
      out[n++] = 0x0a;
    }
    i = next;
  }
  return out.subarray(0, n);
}

/** The text of a leaf part, decoded. */
export function partText(buf: Buffer, p: MimePart): string {
  const body = buf.subarray(p.bodyStart, p.end);
  const encoding = (fieldValue(p.fields, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  const bytes = encoding === 'base64' ? Buffer.from(body.toString('latin1'), 'base64') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  const charset = p.params.find(([n]) => n === 'charset')?.[1] ?? 'utf-8';
  return charsetDecode(bytes, charset);
}

/** The readable text of a message body: text parts and encapsulated messages, not attachments. */
export function bodyText(buf: Buffer, p: MimePart): string {
  if (p.children.length > 0) return p.children.map((c) => bodyText(buf, c)).join('\n');
  if (p.message) return `${headerText(p.message)}\n${bodyText(buf, p.message)}`;
  const kind = mediaType(p);
  return kind.startsWith('text/') || !p.typed ? partText(buf, p) : '';
}

export function headerText(p: MimePart): string {
  return p.fields.map((f) => `${f.name}: ${decodeHeaderValue(f.value)}`).join('\n');
}
