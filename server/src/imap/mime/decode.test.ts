import { describe, expect, it } from 'vitest';
import { bodyText, decodeHeaderValue, decodeQuotedPrintable } from './decode.ts';
import { crlf } from './fixtures.ts';
import { parseMessage } from './part.ts';

describe('decoding for SEARCH', () => {
  it('decodes encoded-words in B and Q forms and joins adjacent ones', () => {
    expect(decodeHeaderValue('=?UTF-8?B?R3LDvMOfZQ==?= und =?ISO-8859-1?Q?caf=E9_noir?=')).toBe('Grüße und café noir');
    expect(decodeHeaderValue('=?UTF-8?Q?a?= =?UTF-8?Q?b?=')).toBe('ab');
    expect(decodeHeaderValue(Buffer.from('raw Grüße', 'utf8').toString('latin1'))).toBe('raw Grüße');
    expect(decodeHeaderValue('=?x-unknown?Q?abc?=')).toBe('abc');
  });

  it('reads text parts through transfer encoding and charset, skipping attachments', () => {
    const msg = crlf(
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Gr=FC=DFe aus K=F6ln=',
      '!',
      '--b',
      'Content-Type: application/octet-stream',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('secret attachment').toString('base64'),
      '--b--',
    );
    const text = bodyText(msg, parseMessage(msg));
    expect(text).toContain('Grüße aus Köln!');
    expect(text).not.toContain('secret');
  });

  it('undoes quoted-printable as RFC 2045 6.7 says: trailing white space dropped, "= " still a soft break', () => {
    // The part of imaptest's fetch-binary-mime-qp script, line for line.
    const qp = crlf('hello  ', 'bar=', '', 'foo\t=', 'bar', 'foo\t \t= ', '=62', 'foo = \t', 'bar', 'foo =', '=62', 'foo  ', 'bar=', '', 'foo_bar', '');
    expect(decodeQuotedPrintable(qp).toString('latin1')).toBe('hello\r\nbar\r\nfoo\tbar\r\nfoo\t \tb\r\nfoo bar\r\nfoo b\r\nfoo\r\nbar\r\nfoo_bar\r\n');
    expect(decodeQuotedPrintable(Buffer.from('a=3D=4\nb=ZZ=')).toString('latin1')).toBe('a==4\nb=ZZ');
    expect(decodeQuotedPrintable(Buffer.from(' '.repeat(200_000) + 'x')).length).toBe(200_001);
  });
});
