// What a message submission agent does to mail from its own users (RFC 6409 section 8): the From header
// must name an address the user may send as (submission.from_policy: `own`, the default, or `any`), and a
// missing Date or Message-ID is added (8.2, 8.3), as is a missing From (8.1: the envelope sender).
// Only the header block is read, never the body, and at most HEADER_LIMIT bytes of it.
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { rfc2822Date } from '../util/date.ts';

const HEADER_LIMIT = 256 * 1024;

export interface HeaderFacts {
  /** Addresses in every From header (groups flattened), as written. */
  from: string[];
  hasFrom: boolean;
  hasDate: boolean;
  hasMessageId: boolean;
}

/** The header block of the message (without our Received line), unfolded, read for the three fields. */
export function readHeaderFacts(chunks: readonly Buffer[]): HeaderFacts {
  const head = headerBlock(chunks);
  const facts: HeaderFacts = { from: [], hasFrom: false, hasDate: false, hasMessageId: false };
  for (const field of unfold(head)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1);
    if (name === 'from') {
      facts.hasFrom = true;
      for (const a of addressparser(value, { flatten: true })) if (a.address) facts.from.push(a.address);
    } else if (name === 'date') facts.hasDate = true;
    else if (name === 'message-id') facts.hasMessageId = true;
  }
  return facts;
}

/** Header lines to add (CRLF-terminated), or '' when none is missing. */
export function missingHeaderLines(facts: HeaderFacts, context: { queueId: string; hostname: string; sender: string; now: Date }): string {
  let lines = '';
  if (!facts.hasFrom && context.sender !== '') lines += `From: <${context.sender}>\r\n`;
  if (!facts.hasDate) lines += `Date: ${rfc2822Date(context.now)}\r\n`;
  if (!facts.hasMessageId) lines += `Message-ID: <${context.queueId}.${context.now.getTime()}@${context.hostname}>\r\n`;
  return lines;
}

function headerBlock(chunks: readonly Buffer[]): string {
  const parts: Buffer[] = [];
  let length = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= HEADER_LIMIT) break;
  }
  const text = Buffer.concat(parts).subarray(0, HEADER_LIMIT).toString('utf8');
  const end = /\r?\n\r?\n/.exec(text);
  return end ? text.slice(0, end.index) : text;
}

function unfold(head: string): string[] {
  const fields: string[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += ` ${line.trim()}`;
    else fields.push(line);
  }
  return fields;
}
