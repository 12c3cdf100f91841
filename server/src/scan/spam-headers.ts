// Adds SpamAssassin-style X-Spam-* headers (and a subject prefix) to a raw RFC 5322 message. Only the
// header block is rewritten; the body bytes are copied untouched, so signatures over the body (DKIM bh=)
// still verify. Headers of the same names that arrived with the message are removed first: a sender must
// not be able to pre-label its own mail `X-Spam-Flag: NO`.
import type { SpamTag } from './policy.ts';

const OWN_HEADERS = new Set(['x-spam-flag', 'x-spam-score', 'x-spam-status']);
const FOLD_AT = 78;

export function addSpamHeaders(raw: Buffer, tag: SpamTag): Buffer {
  if (tag.subjectPrefix !== null && /[^\x20-\x7e]/.test(tag.subjectPrefix)) throw new Error('the spam subject prefix must be printable ASCII on one line');
  const { headerEnd, eol } = splitMessage(raw);
  // latin1 maps bytes 1:1, so 8-bit header bytes (raw UTF-8 subjects) survive the round trip.
  const fields = splitFields(raw.subarray(0, headerEnd).toString('latin1'), eol).filter((f) => !OWN_HEADERS.has(fieldName(f)));
  if (tag.subjectPrefix !== null) prefixSubject(fields, tag.subjectPrefix, eol);
  if (tag.isSpam) fields.push(`X-Spam-Flag: YES${eol}`);
  fields.push(`X-Spam-Score: ${tag.score.toFixed(1)}${eol}`, statusField(tag, eol));
  return Buffer.concat([Buffer.from(fields.join(''), 'latin1'), raw.subarray(headerEnd)]);
}

/** Where the header block ends (the blank line and body start there) and which line ending it uses. */
function splitMessage(raw: Buffer): { headerEnd: number; eol: string } {
  const firstLf = raw.indexOf(0x0a);
  const eol = firstLf > 0 && raw[firstLf - 1] === 0x0d ? '\r\n' : firstLf < 0 ? '\r\n' : '\n';
  let lineStart = 0;
  while (lineStart < raw.length) {
    const lf = raw.indexOf(0x0a, lineStart);
    const lineEnd = lf < 0 ? raw.length : lf;
    const empty = lineEnd === lineStart || (lineEnd === lineStart + 1 && raw[lineStart] === 0x0d);
    if (empty) return { headerEnd: lineStart, eol };
    if (lf < 0) break;
    lineStart = lf + 1;
  }
  // Headers only, no body. Our fields go after the last one, which may lack its line ending.
  return { headerEnd: raw.length, eol };
}

/** Header fields with their continuation lines and line endings, in order. */
function splitFields(block: string, eol: string): string[] {
  const fields: string[] = [];
  for (const line of block.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const last = fields.length - 1;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last >= 0) fields[last] += line;
    else fields.push(line);
  }
  const last = fields.length - 1;
  if (last >= 0 && !fields[last]!.endsWith('\n')) fields[last] += eol;
  return fields;
}

function fieldName(field: string): string {
  const colon = field.indexOf(':');
  return colon < 0 ? '' : field.slice(0, colon).trim().toLowerCase();
}

function prefixSubject(fields: string[], prefix: string, eol: string): void {
  const i = fields.findIndex((f) => fieldName(f) === 'subject');
  const bare = prefix.trim();
  if (i < 0) {
    fields.push(`Subject: ${bare}${eol}`);
    return;
  }
  const field = fields[i]!;
  const value = field.slice(field.indexOf(':') + 1).replace(/^[ \t]+/, '');
  // Already prefixed (a message scanned twice, or a reply to tagged spam): do not stack prefixes.
  if (value.startsWith(bare)) return;
  // The space keeps a following encoded-word (=?UTF-8?...) separate, as RFC 2047 requires.
  fields[i] = `${field.slice(0, field.indexOf(':'))}: ${bare} ${value}`;
}

/** `Yes, score=1001.5 required=5.0 tests=GTUBE,MISSING_DATE` folded at commas like SpamAssassin does. */
function statusField(tag: SpamTag, eol: string): string {
  const rules = tag.rules.filter((r) => /^[A-Za-z0-9_.-]+$/.test(r));
  let out = `X-Spam-Status: ${tag.isSpam ? 'Yes' : 'No'}, score=${tag.score.toFixed(1)} required=${tag.threshold.toFixed(1)} tests=`;
  let lineLength = out.length;
  rules.forEach((rule, n) => {
    const piece = n < rules.length - 1 ? `${rule},` : rule;
    if (n > 0 && lineLength + piece.length > FOLD_AT) {
      out += `${eol}\t`;
      lineLength = 1;
    }
    out += piece;
    lineLength += piece.length;
  });
  return `${out}${rules.length === 0 ? 'none' : ''}${eol}`;
}
