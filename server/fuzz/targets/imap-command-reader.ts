// IMAP framing (protocol/command-reader.ts) over the real socket reader, on a whole client stream of
// commands and literals, each frame then parsed: what a connection does with untrusted bytes.
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { SocketReader } from '../../src/net/socket-reader.ts';
import { CommandReader } from '../../src/imap/protocol/command-reader.ts';
import { parseCommand } from '../../src/imap/protocol/commands.ts';
import { COMMAND_MAX_BYTES } from '../../src/imap/limits.ts';
import { anyBytes, toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';
import { imapCommand } from './imap-command.ts';

const APPEND_MAX_BYTES = 100;

/** Commands joined by line ends, with now and then a literal whose size may lie or exceed a limit. */
const stream = fc
  .array(
    fc.oneof(
      imapCommand.map((b) => b.toString('latin1')),
      fc.constantFrom('\r\n', '\n', '', 'a APPEND INBOX {5}\r\nhello', 'a APPEND INBOX {101}\r\n', 'a LOGIN {999999999999}\r\n', '* LOGIN {1}\r\n', 'b LOGIN {3+}\r\n'),
      anyBytes(16),
    ),
    { maxLength: 12 },
  )
  .map((parts) => toBuffer(parts.join('\r\n')));

export const imapCommandReaderTarget: FuzzTarget = {
  name: 'imap/command-reader',
  checks: 'framing a whole client stream ends (every frame consumes input), never throws, never yields a frame over the command limit, and every frame parses or is an ImapError',
  testRuns: 100,
  property: fc.asyncProperty(stream, async (wire) => {
    const input = new PassThrough();
    input.end(wire);
    const reader = new SocketReader(input, 64 * 1024);
    const commands = new CommandReader({ reader: () => reader, continueLiteral: async () => undefined, started: () => undefined, appendMaxBytes: APPEND_MAX_BYTES });
    // Bounded work: each frame takes at least one byte of the stream, so more frames than bytes is a loop.
    for (let frames = 0; frames <= wire.length + 1; frames++) {
      const frame = await commands.read();
      if (frame.kind === 'eof') return true;
      if (frame.kind === 'reject') {
        if (frame.fatal) return true;
        continue;
      }
      if (frame.data.length > COMMAND_MAX_BYTES + APPEND_MAX_BYTES) throw new Error(`frame of ${frame.data.length} bytes`);
      parseCommand(frame.data);
    }
    throw new Error('more frames than bytes: the reader loops');
  }),
};
