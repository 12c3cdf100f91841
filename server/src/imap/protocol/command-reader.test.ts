// Command framing without a network: lines, synchronising and non-synchronising literals, the
// continuation request, and the limits that refuse a literal before a byte of it is read.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SocketReader } from '../../net/socket-reader.ts';
import { CommandReader, type Frame } from './command-reader.ts';

function setup(appendMaxBytes = 1000, limits: { lineMaxBytes?: number; literalMaxBytes?: number; commandMaxBytes?: number } = {}) {
  const input = new PassThrough();
  const reader = new SocketReader(input, 64 * 1024);
  const continuations: number[] = [];
  let sent = 0;
  const commands = new CommandReader({
    reader: () => reader,
    continueLiteral: async () => void continuations.push(sent),
    started: () => undefined,
    appendMaxBytes,
    ...limits,
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

  it('applies the configured limits (limits.imap_max_*) and names the one that refused', async () => {
    const { commands, feed } = setup(10_000_000, { lineMaxBytes: 100, literalMaxBytes: 10, commandMaxBytes: 200 });
    feed(`a1 LOGIN ${'x'.repeat(101)}\r\n`);
    expect(await commands.read()).toMatchObject({ kind: 'reject', tag: 'a1', status: 'BAD', fatal: true, limit: 'line_too_long', text: 'Command line longer than 100 octets' });
    const second = setup(10_000_000, { lineMaxBytes: 100, literalMaxBytes: 10, commandMaxBytes: 200 });
    second.feed('a2 LOGIN {11}\r\n');
    expect(await second.commands.read()).toMatchObject({ kind: 'reject', tag: 'a2', code: 'TOOBIG', fatal: false, limit: 'literal_too_large' });
    // Literals within their limit that together pass the command limit.
    const third = setup(10_000_000, { lineMaxBytes: 100, literalMaxBytes: 80, commandMaxBytes: 120 });
    third.feed(`a4 LOGIN {80+}\r\n${'u'.repeat(80)} {80}\r\n`);
    expect(await third.commands.read()).toMatchObject({ kind: 'reject', tag: 'a4', code: 'TOOBIG', limit: 'command_too_large', text: 'Command longer than 120 octets' });
    // A line just within the limit still passes.
    const fourth = setup(10_000_000, { lineMaxBytes: 100 });
    fourth.feed(`a5 NOOP ${'x'.repeat(80)}\r\n`);
    expect(text(await fourth.commands.read())).toBe(`a5 NOOP ${'x'.repeat(80)}`);
  });

  it('reports the end of input in the middle of a literal', async () => {
    const { commands, feed, input } = setup();
    feed('a1 APPEND INBOX {50+}\r\nonly a part');
    input.end();
    expect(await commands.read()).toEqual({ kind: 'eof' });
  });
});
