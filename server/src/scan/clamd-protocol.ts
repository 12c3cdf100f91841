// clamd's wire format, kept apart from the socket code so it can be tested byte for byte. Commands use the
// `z` prefix (NUL-terminated request and reply), which clamd's docs recommend over newline framing.
import type { VirusOutcome } from './outcomes.ts';

export const INSTREAM_CHUNK_BYTES = 64 * 1024;

export function clamdCommand(name: 'PING' | 'VERSION' | 'INSTREAM'): Buffer {
  return Buffer.from(`z${name}\0`, 'ascii');
}

/** INSTREAM body: `[uint32 BE length][bytes]` per chunk, then a zero length that ends the stream. */
export function* instreamFrames(content: Buffer, chunkBytes = INSTREAM_CHUNK_BYTES): Generator<Buffer> {
  for (let offset = 0; offset < content.length; offset += chunkBytes) {
    const chunk = content.subarray(offset, offset + chunkBytes);
    const frame = Buffer.allocUnsafe(4 + chunk.length);
    frame.writeUInt32BE(chunk.length);
    chunk.copy(frame, 4);
    yield frame;
  }
  yield Buffer.alloc(4);
}

export const replyComplete = (received: Buffer): boolean => received.includes(0);

/** The reply text without its NUL terminator (a reply cut short by a closed socket has none). */
export function replyText(received: Buffer): string {
  const end = received.indexOf(0);
  return received
    .subarray(0, end < 0 ? received.length : end)
    .toString('utf8')
    .trim();
}

export function parseScanReply(received: Buffer): VirusOutcome {
  const text = replyText(received);
  if (text === '') return { kind: 'error', message: 'clamd closed the connection without a reply' };
  if (/size limit exceeded/i.test(text)) return { kind: 'too_large' };
  // `stream: OK`, `stream: <name> FOUND`, `<anything> ERROR`. Only the suffix is reliable: names vary.
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found) return { kind: 'virus', name: found[1]! };
  if (text === 'stream: OK') return { kind: 'clean' };
  return { kind: 'error', message: `clamd: ${text}` };
}
