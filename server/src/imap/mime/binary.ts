// BINARY[section] contents (RFC 3516): a part's body with its Content-Transfer-Encoding undone, so a client
// gets an attachment's bytes without decoding base64 itself. BINARY[] is the whole message as stored.
// A multipart or message/rfc822 part is sent as it is (its encoding can only be 7bit, 8bit or binary).
import { decodeQuotedPrintable } from './decode.ts';
import { fieldValue } from './header.ts';
import type { MimePart } from './part.ts';
import { findPart } from './section.ts';

/** The part does not exist (NIL), or its encoding is one we cannot undo (NO [UNKNOWN-CTE]). */
export type BinaryContent = Buffer | 'missing' | 'unknown-cte';

const IDENTITY = new Set(['', '7bit', '8bit', 'binary']);

export function binaryContent(buf: Buffer, root: MimePart, path: readonly number[]): BinaryContent {
  if (path.length === 0) return buf;
  const part = findPart(root, path);
  if (!part) return 'missing';
  const body = buf.subarray(part.bodyStart, part.end);
  if (part.children.length > 0 || part.message) return body;
  const encoding = (fieldValue(part.fields, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  if (IDENTITY.has(encoding)) return body;
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return 'unknown-cte';
}
