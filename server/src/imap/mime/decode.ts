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

export function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(
    text.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  );
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
