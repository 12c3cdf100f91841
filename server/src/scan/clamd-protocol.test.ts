// clamd framing and replies byte for byte, including the replies real clamd 1.4 sends (see
// shared notes) and replies that must not be mistaken for "clean".
import { describe, expect, it } from 'vitest';
import { clamdCommand, instreamFrames, parseScanReply, replyComplete, replyText } from './clamd-protocol.ts';

const reply = (s: string): Buffer => Buffer.from(`${s}\0`);

describe('clamd framing', () => {
  it('z-prefixes and NUL-terminates commands', () => {
    expect(clamdCommand('INSTREAM').toString('latin1')).toBe('zINSTREAM\0');
    expect(clamdCommand('PING').toString('latin1')).toBe('zPING\0');
  });

  it('frames chunks with a big-endian length and ends with four zero bytes', () => {
    const frames = Buffer.concat([...instreamFrames(Buffer.from('abcdefg'), 3)]);
    expect(frames.toString('hex')).toBe(['00000003', '616263', '00000003', '646566', '00000001', '67', '00000000'].join(''));
  });

  it('sends only the terminator for an empty message', () => {
    expect(Buffer.concat([...instreamFrames(Buffer.alloc(0))]).toString('hex')).toBe('00000000');
  });

  it('knows a reply is complete at its NUL', () => {
    expect(replyComplete(Buffer.from('stream: O'))).toBe(false);
    expect(replyComplete(reply('stream: OK'))).toBe(true);
    expect(replyText(reply('PONG'))).toBe('PONG');
  });
});

describe('parseScanReply', () => {
  it('reads clean, found (keeping the full name) and the stream limit', () => {
    expect(parseScanReply(reply('stream: OK'))).toEqual({ kind: 'clean' });
    expect(parseScanReply(reply('stream: Mailroom.Test.EICAR.UNOFFICIAL FOUND'))).toEqual({ kind: 'virus', name: 'Mailroom.Test.EICAR.UNOFFICIAL' });
    expect(parseScanReply(reply('INSTREAM size limit exceeded. ERROR'))).toEqual({ kind: 'too_large' });
  });

  it('turns anything else, or nothing, into an error rather than clean', () => {
    expect(parseScanReply(reply("stream: Can't allocate memory ERROR"))).toEqual({ kind: 'error', message: "clamd: stream: Can't allocate memory ERROR" });
    expect(parseScanReply(Buffer.alloc(0))).toEqual({ kind: 'error', message: 'clamd closed the connection without a reply' });
    expect(parseScanReply(Buffer.from('stream: OKAY'))).toMatchObject({ kind: 'error' });
  });
});
