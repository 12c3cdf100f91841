import { describe, expect, it } from 'vitest';
import { parseListLine, parseStatus, parseUidlLine, printable, unstuff } from './pop3-wire.ts';

describe('POP3 client wire', () => {
  it('reads status lines and keeps error text printable', () => {
    expect(parseStatus(Buffer.from('+OK 2 messages'))).toEqual({ ok: true, text: '2 messages' });
    expect(parseStatus(Buffer.from('+OK'))).toEqual({ ok: true, text: '' });
    expect(parseStatus(Buffer.from('-ERR [AUTH] bad\x07 password'))).toEqual({ ok: false, text: '[AUTH] bad? password' });
    expect(parseStatus(Buffer.from('* OK IMAP here'))).toBeNull();
    expect(printable('x'.repeat(300)).length).toBe(200);
  });

  it('removes byte-stuffing and finds the end marker', () => {
    expect(unstuff(Buffer.from('.'))).toBeNull();
    expect(unstuff(Buffer.from('..'))!.toString()).toBe('.');
    expect(unstuff(Buffer.from('..starts with a dot'))!.toString()).toBe('.starts with a dot');
    expect(unstuff(Buffer.from('plain'))!.toString()).toBe('plain');
    expect(unstuff(Buffer.from(''))!.length).toBe(0);
  });

  it('parses listings and refuses malformed unique ids', () => {
    expect(parseUidlLine('1 01ABC')).toEqual({ n: 1, uid: '01ABC' });
    expect(parseUidlLine('2 has space')).toBeNull();
    expect(parseUidlLine(`3 ${'x'.repeat(71)}`)).toBeNull();
    expect(parseListLine('4 1234')).toEqual({ n: 4, size: 1234 });
    expect(parseListLine('garbage')).toBeNull();
  });
});
