import { describe, expect, it } from 'vitest';
import { bodyStructure } from './body-structure.ts';
import { envelope } from './envelope.ts';
import { crlf, nested } from './fixtures.ts';
import { parseMessage } from './part.ts';

const bs = (buf: Buffer, extended = true) => bodyStructure(buf, parseMessage(buf), extended).toString('latin1');

describe('BODYSTRUCTURE', () => {
  it('describes a plain message, defaulting to text/plain us-ascii 7BIT', () => {
    expect(bs(crlf('Subject: x', '', 'one', 'two'))).toBe('("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 8 2 NIL NIL NIL NIL)');
    expect(bs(crlf('Subject: x', '', 'one', 'two'), false)).toBe('("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 8 2)');
  });

  it('nests multiparts and describes an encapsulated message with its envelope and structure', () => {
    expect(bs(nested)).toBe(
      '((("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 10 1 NIL NIL NIL NIL)' +
        '("text" "html" NIL NIL NIL "7BIT" 11 1 NIL NIL NIL NIL) "alternative" ("boundary" "inner") NIL NIL NIL)' +
        '("message" "rfc822" NIL NIL "forwarded" "7BIT" 71 ' +
        '(NIL "inner message" ((NIL NIL "b" "example.test")) ((NIL NIL "b" "example.test")) ((NIL NIL "b" "example.test")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 23 2 NIL NIL NIL NIL) 5 NIL NIL NIL NIL)' +
        ' "mixed" ("boundary" "outer") NIL NIL NIL)',
    );
    expect(bs(nested, false)).toBe(
      '((("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 10 1)("text" "html" NIL NIL NIL "7BIT" 11 1) "alternative")' +
        '("message" "rfc822" NIL NIL "forwarded" "7BIT" 71 ' +
        '(NIL "inner message" ((NIL NIL "b" "example.test")) ((NIL NIL "b" "example.test")) ((NIL NIL "b" "example.test")) NIL NIL NIL NIL NIL) ' +
        '("text" "plain" ("charset" "us-ascii") NIL NIL "7BIT" 23 2) 5) "mixed")',
    );
  });

  it('carries disposition, language, location, id and MD5 as sent', () => {
    const msg = crlf(
      'Content-Type: image/png; name="a b.png"',
      'Content-ID: <img1@x>',
      'Content-Transfer-Encoding: BASE64',
      'Content-Disposition: inline; filename="a b.png"; size=3',
      'Content-Language: en, de',
      'Content-Location: http://x.test/a.png',
      'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
      '',
      'AAAA',
    );
    expect(bs(msg)).toBe('("image" "png" ("name" "a b.png") "<img1@x>" NIL "BASE64" 4 "Q2hlY2sgSW50ZWdyaXR5IQ==" ("inline" ("filename" "a b.png" "size" "3")) ("en" "de") "http://x.test/a.png")');
  });

  it('sends raw 8-bit header text in ENVELOPE as literals, encoded-words untouched', () => {
    const msg = Buffer.concat([crlf('Subject: =?ISO-8859-1?Q?caf=E9?= ok', 'From: "M\u00fcller, Hans" <h@x.test>', 'To: Gr\u00fc\u00dfe <g@x.test>', '', 'x')]);
    const env = envelope(parseMessage(msg).fields).toString('latin1');
    expect(env).toContain('"=?ISO-8859-1?Q?caf=E9?= ok"');
    expect(env).toContain(`(({${Buffer.byteLength('M\u00fcller, Hans')}}\r\n${Buffer.from('M\u00fcller, Hans').toString('latin1')} NIL "h" "x.test"))`);
  });
});
