import { describe, expect, it } from 'vitest';
import { bodyText, decodeHeaderValue } from './decode.ts';
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
});
