// spamd requests and replies byte for byte, with the replies real spamd 4.0 sends (see the shared
// notes): scores, thresholds, negative scores, rule lists, and error codes that must not read as ham.
import { describe, expect, it } from 'vitest';
import { parseCheckReply, parsePong, PING_REQUEST, spamdRequest } from './spamd-protocol.ts';

const reply = (s: string): Buffer => Buffer.from(s.replace(/\n/g, '\r\n'));

describe('spamdRequest', () => {
  it('sends the command, the byte length of the message and the user', () => {
    const msg = Buffer.from('Subject: é\r\n\r\nbody\r\n');
    expect(spamdRequest('SYMBOLS', msg, 'nobody').toString('utf8')).toBe(`SYMBOLS SPAMC/1.5\r\nContent-length: ${msg.length}\r\nUser: nobody\r\n\r\nSubject: é\r\n\r\nbody\r\n`);
    expect(PING_REQUEST.toString()).toBe('PING SPAMC/1.5\r\n\r\n');
  });

  it('refuses a user name that would inject a header', () => {
    expect(() => spamdRequest('CHECK', Buffer.alloc(0), 'nobody\r\nX: y')).toThrow(/line breaks/);
  });
});

describe('parseCheckReply', () => {
  it('reads a SYMBOLS reply: verdict, score, threshold and rule names', () => {
    const r = parseCheckReply(reply('SPAMD/1.1 0 EX_OK\nContent-length: 32\nSpam: True ; 1000.0 / 5.0\n\nGTUBE,MISSING_DATE,NO_RECEIVED'));
    expect(r).toEqual({ kind: 'scored', score: 1000, threshold: 5, isSpam: true, rules: ['GTUBE', 'MISSING_DATE', 'NO_RECEIVED'] });
  });

  it('reads a CHECK reply (no body), negative scores and the old Yes/No form', () => {
    expect(parseCheckReply(reply('SPAMD/1.1 0 EX_OK\nSpam: False ; -1.9 / 5.0\n\n'))).toEqual({ kind: 'scored', score: -1.9, threshold: 5, isSpam: false, rules: [] });
    expect(parseCheckReply(reply('SPAMD/1.1 0 EX_OK\nSpam: Yes ; 15 / 5\n\n'))).toMatchObject({ isSpam: true, score: 15 });
  });

  it('turns non-zero codes, missing Spam headers and garbage into errors', () => {
    expect(parseCheckReply(reply('SPAMD/1.0 76 Bad header line: Content-lenght: 5\n'))).toEqual({ kind: 'error', message: 'spamd: 76 Bad header line: Content-lenght: 5' });
    expect(parseCheckReply(reply('SPAMD/1.1 0 EX_OK\nContent-length: 0\n\n'))).toMatchObject({ kind: 'error', message: expect.stringMatching(/without a valid Spam header/) });
    expect(parseCheckReply(Buffer.from('HTTP/1.1 400 Bad Request\r\n'))).toMatchObject({ kind: 'error', message: expect.stringMatching(/unexpected reply/) });
    expect(parseCheckReply(Buffer.alloc(0))).toEqual({ kind: 'error', message: 'spamd closed the connection without a reply' });
  });
});

describe('parsePong', () => {
  it('returns the protocol version and refuses anything but PONG', () => {
    expect(parsePong(reply('SPAMD/1.5 0 PONG\n'))).toBe('SPAMD/1.5');
    expect(() => parsePong(reply('SPAMD/1.0 76 Bad header line\n'))).toThrow(/unexpected PING reply/);
  });
});
