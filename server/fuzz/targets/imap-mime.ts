// The MIME walker (imap/mime/) on message-shaped bytes: structure, BODYSTRUCTURE, ENVELOPE, every
// BODY[section] a client can name, and the decoded text SEARCH reads.
import fc from 'fast-check';
import { bodyStructure } from '../../src/imap/mime/body-structure.ts';
import { bodyText, headerText } from '../../src/imap/mime/decode.ts';
import { envelope } from '../../src/imap/mime/envelope.ts';
import { parseMessage, type MimePart } from '../../src/imap/mime/part.ts';
import { sectionBytes } from '../../src/imap/mime/section.ts';
import { binaryContent } from '../../src/imap/mime/binary.ts';
import type { SectionText } from '../../src/imap/protocol/fetch-items.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

export const MIME_DICTIONARY = [
  '\r\n',
  '\n',
  '\r\n\r\n',
  '\n\n',
  ': ',
  ' ',
  '\t',
  ';',
  '"',
  '(',
  ')',
  '\\',
  'Content-Type: multipart/mixed; boundary=b',
  'Content-Type: multipart/digest; boundary="b"',
  'Content-Type: message/rfc822',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Type: text/html; charset="x-unknown"',
  'Content-Type: multipart/alternative; boundary=',
  'Content-Type: /',
  'Content-Type: message/global',
  '--b',
  '--b--',
  '--b \t',
  '--bb',
  'Content-Transfer-Encoding: base64',
  'Content-Transfer-Encoding: quoted-printable',
  '=C3=A4',
  '=\r\n',
  '=?utf-8?B?w6Q=?=',
  '=?x?Q?a_b?=',
  'Content-Disposition: attachment; filename="a.txt"',
  'Content-Language: en, de',
  'From: "A (B)" <a@b>, c@d',
  'To: group: a@b, <c@d>;',
  'Reply-To: <@route,@x:a@b>',
  'Subject: \u00e4',
  'Date: 1 Jan 70 00:00 +0000',
  'Message-ID: <x@y>',
  '\xff\xfe',
  'aGVsbG8=',
  '.',
  'body text',
];

const message = tokens(MIME_DICTIONARY, 60).map(toBuffer);

function* parts(p: MimePart, path: number[] = []): Generator<[MimePart, number[]]> {
  yield [p, path];
  for (const [i, c] of p.children.entries()) yield* parts(c, [...path, i + 1]);
  if (p.message) yield* parts(p.message, path);
}

export const mimeTarget: FuzzTarget = {
  name: 'imap/mime',
  checks:
    'parseMessage never throws; every part lies inside the message (start <= bodyStart <= end) with at most 1000 parts; BODYSTRUCTURE, ENVELOPE, every section, BINARY decoding (never larger than the message) and the search text are produced without throwing and BODYSTRUCTURE is at most proportional to the input',
  testRuns: 150,
  property: fc.property(message, (buf) => {
    const root = parseMessage(buf);
    let count = 0;
    for (const [p, path] of parts(root)) {
      if (++count > 2 * 1000 + 1) throw new Error('more parts than the walker allows');
      if (!(0 <= p.start && p.start <= p.bodyStart && p.bodyStart <= p.end && p.end <= buf.length)) throw new Error(`part out of bounds: ${p.start} ${p.bodyStart} ${p.end}`);
      for (const text of [undefined, 'HEADER', 'TEXT', 'MIME', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT'] as Array<SectionText | undefined>) {
        if (text === 'MIME' && path.length === 0) continue;
        sectionBytes(buf, root, { path, ...(text ? { text } : {}), ...(text?.startsWith('HEADER.FIELDS') ? { fields: ['From', 'X'] } : {}) });
      }
      // BINARY: decoding never grows a part (base64 and quoted-printable only shrink).
      const decoded = binaryContent(buf, root, path);
      if (Buffer.isBuffer(decoded) && decoded.length > buf.length) throw new Error(`BINARY[${path.join('.')}] of ${decoded.length} bytes from ${buf.length}`);
    }
    const structure = bodyStructure(buf, root, true);
    // Bounded output: each part adds its own header values plus a fixed frame (NIL lists, "7BIT"...).
    if (structure.length > 4 * buf.length + 400 * count) throw new Error(`BODYSTRUCTURE of ${structure.length} bytes for ${buf.length}`);
    envelope(root.fields);
    bodyText(buf, root);
    headerText(root);
    return true;
  }),
};
