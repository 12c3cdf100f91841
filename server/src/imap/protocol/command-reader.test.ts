// Command framing without a network: lines, synchronising and non-synchronising literals, the
// continuation request, and the limits that refuse a literal before a byte of it is read.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SocketReader } from '../../net/socket-reader.ts';
import { CommandReader, type Frame } from './command-reader.ts';

function setup(appendMaxBytes = 1000) {
  const input = new PassThrough();
  const reader = new SocketReader(input, 64 * 1024);
  const continuations: number[] = [];
  let sent = 0;
  const commands = new CommandReader({
    reader: () => reader,
    continueLiteral: async () => void continuations.push(sent),
    started: () => undefined,
    appendMaxBytes,
  });
  const feed = (s: string) => {
    sent++;
    input.write(Buffer.from(s, 'latin1'));
  };
  return { input, commands, continuations, feed };
}

const text = (f: Frame) => (f.kind === 'command' ? f.data.toString('latin1') : f);

describe('CommandReader', () => {
  it('frames plain lines and skips blank ones', async () => {
    const { commands, feed } = setup();
    feed('\r\na1 NOOP\r\na2 CAPABILITY\n');
    expect(text(await commands.read())).toBe('a1 NOOP');
    expect(text(await commands.read())).toBe('a2 CAPABILITY');
  });

  it('asks for a synchronising literal and keeps the wire form for the parser', async () => {
    const { commands, feed, continuations } = setup();
    feed('a1 LOGIN {5}\r\n');
    const pending = commands.read();
    await new Promise((r) => setTimeout(r, 10));
    expect(continuations).toEqual([1]);
    feed('alice {3+}\r\npw!\r\n');
    expect(text(await pending)).toBe('a1 LOGIN {5}\r\nalice {3+}\r\npw!');
    expect(continuations).toEqual([1]);
  });

  it('refuses an oversized synchronising literal without reading it, and goes on', async () => {
    const { commands, feed, continuations } = setup(100);
    feed('a1 APPEND INBOX {101}\r\na2 NOOP\r\n');
    expect(await commands.read()).toEqual({ kind: 'reject', tag: 'a1', status: 'NO', code: 'TOOBIG', text: 'Literal of 101 octets is over the limit of 100', fatal: false });
    expect(continuations).toEqual([]);
    expect(text(await commands.read())).toBe('a2 NOOP');
  });

  it('gives up on an oversized non-synchronising literal: its end cannot be found', async () => {
    const { commands, feed } = setup(100);
    feed('a1 APPEND INBOX {101+}\r\n');
    expect(await commands.read()).toMatchObject({ kind: 'reject', tag: 'a1', status: 'BAD', code: 'TOOBIG', fatal: true });
  });

  it('limits literals outside APPEND to 64 KiB and refuses literals without a tag', async () => {
    const { commands, feed } = setup(10_000_000);
    feed('a1 LOGIN {65537}\r\n');
    expect(await commands.read()).toMatchObject({ kind: 'reject', tag: 'a1', status: 'BAD', code: 'TOOBIG', fatal: false });
    feed('{5}\r\n');
    expect(await commands.read()).toMatchObject({ kind: 'reject', tag: '*', status: 'BAD', fatal: false });
  });

  it('reports an over-long line with its tag, and the end of input', async () => {
    const { commands, feed, input } = setup();
    feed(`a9 LOGIN ${'x'.repeat(70_000)}\r\n`);
    expect(await commands.read()).toMatchObject({ kind: 'reject', tag: 'a9', status: 'BAD', fatal: true });
    input.end();
    expect(await commands.read()).toEqual({ kind: 'eof' });
  });

  it('reports the end of input in the middle of a literal', async () => {
    const { commands, feed, input } = setup();
    feed('a1 APPEND INBOX {50+}\r\nonly a part');
    input.end();
    expect(await commands.read()).toEqual({ kind: 'eof' });
  });
});
