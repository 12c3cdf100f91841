import { describe, expect, it } from 'vitest';
import { decodeMailboxName, encodeMailboxName, mailboxFromWire } from './mailbox-name.ts';

describe('modified UTF-7 mailbox names', () => {
  it('encodes and decodes the RFC 3501 examples and round-trips Unicode', () => {
    expect(encodeMailboxName('~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/\u53f0\u5317/\u65e5\u672c\u8a9e');
    expect(encodeMailboxName('Tom & Jerry')).toBe('Tom &- Jerry');
    expect(decodeMailboxName('Tom &- Jerry')).toBe('Tom & Jerry');
    for (const name of ['Entw\u00fcrfe', '\u{1F4EC} Post', 'a&b/\u00e9\u00e8']) expect(decodeMailboxName(encodeMailboxName(name))).toBe(name);
  });

  it('rejects broken modified UTF-7 and accepts raw UTF-8 from lenient clients', () => {
    expect(decodeMailboxName('&Jjo')).toBeNull();
    expect(decodeMailboxName('&A-')).toBeNull();
    expect(decodeMailboxName('a\tb')).toBeNull();
    expect(() => mailboxFromWire(Buffer.from('&Jjo'))).toThrow('not valid modified UTF-7');
    expect(mailboxFromWire(Buffer.from('Entw\u00fcrfe', 'utf8'))).toBe('Entw\u00fcrfe');
    expect(() => mailboxFromWire(Buffer.from([0x41, 0xff]))).toThrow('neither modified UTF-7 nor UTF-8');
  });
});
