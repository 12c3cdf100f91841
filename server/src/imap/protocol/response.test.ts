import { describe, expect, it } from 'vitest';
import { astring, list, nlist, nstring, string } from './response.ts';

const s = (b: Buffer) => b.toString('latin1');

describe('response values', () => {
  it('quotes printable text and escapes quotes and backslashes', () => {
    expect(s(string('a "b" \\c'))).toBe('"a \\"b\\" \\\\c"');
    expect(s(nstring(null))).toBe('NIL');
  });

  it('sends 8-bit text, line breaks and long text as literals, byte for byte', () => {
    expect(s(string('Gr\u00fc\u00df'))).toBe('{4}\r\nGr\u00fc\u00df');
    expect(s(string('two\r\nlines'))).toBe('{10}\r\ntwo\r\nlines');
    expect(string('\u20ac').toString('latin1')).toBe('{3}\r\n\u00e2\u0082\u00ac');
  });

  it('writes mailbox names as atoms when it can', () => {
    expect(s(astring('INBOX'))).toBe('INBOX');
    expect(s(astring('My Folder'))).toBe('"My Folder"');
    expect(s(astring('NIL'))).toBe('"NIL"');
    expect(s(astring(''))).toBe('""');
  });

  it('builds lists, with NIL for empty ones where the grammar allows', () => {
    expect(s(list([string('a'), nstring(null)]))).toBe('("a" NIL)');
    expect(s(nlist([]))).toBe('NIL');
  });
});
