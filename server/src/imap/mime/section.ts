// BODY[section] contents (RFC 3501 section 6.4.5): the exact bytes of a part, header, text or a subset
// of header fields, found by part numbers.
import type { Section } from '../protocol/fetch-items.ts';
import { isMultipart, type MimePart } from './part.ts';

/** Part n of a message's body: a multipart's n-th child, or for any other body only part 1, the body itself. */
function partOfMessage(message: MimePart, n: number): MimePart | null {
  if (isMultipart(message)) return message.children[n - 1] ?? null;
  return n === 1 ? message : null;
}

/**
 * Part n below p: a multipart's n-th child; inside message/rfc822, the encapsulated message's part n.
 * A message whose whole body is message/rfc822 has that body as part 1 (RFC 3501 6.4.5), so BODY[1] is the
 * inner message, header and body, and BODY[1.HEADER] its header.
 */
function child(p: MimePart, n: number): MimePart | null {
  if (isMultipart(p)) return p.children[n - 1] ?? null;
  if (p.message) return partOfMessage(p.message, n);
  // A single-part body has only part 1: itself.
  return n === 1 ? p : null;
}

const CRLF = Buffer.from('\r\n');

function headerFields(p: MimePart, names: readonly string[], not: boolean): Buffer {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const raw = p.fields.filter((f) => wanted.has(f.name) !== not).map((f) => Buffer.from(f.raw.endsWith('\n') ? f.raw.replace(/\r?\n$/, '\r\n') : `${f.raw}\r\n`, 'latin1'));
  return Buffer.concat([...raw, CRLF]);
}

/** The part a path of part numbers names ([] is the message itself), or null when there is none. */
export function findPart(root: MimePart, path: readonly number[]): MimePart | null {
  let part: MimePart | null = root;
  for (const [i, n] of path.entries()) {
    part = part ? (i === 0 ? partOfMessage(part, n) : child(part, n)) : null;
  }
  return part;
}

/** The section's bytes, or null when the message has no such part. */
export function sectionBytes(buf: Buffer, root: MimePart, section: Section): Buffer | null {
  const part = findPart(root, section.path);
  if (!part) return null;
  const { text, fields } = section;
  if (text === undefined) {
    return section.path.length === 0 ? buf : buf.subarray(part.bodyStart, part.end);
  }
  if (text === 'MIME') return buf.subarray(part.start, part.bodyStart);
  // HEADER and TEXT after part numbers address the message inside a message/rfc822 part.
  const message = section.path.length === 0 ? part : part.message;
  if (!message) return null;
  if (text === 'TEXT') return buf.subarray(message.bodyStart, message.end);
  if (text === 'HEADER') return buf.subarray(message.start, message.bodyStart);
  return headerFields(message, fields ?? [], text === 'HEADER.FIELDS.NOT');
}
