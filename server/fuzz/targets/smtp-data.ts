// The DATA parser (smtp/data-stream-patch.ts) against a plain reference for the end of a message and
// dot-unstuffing, on random input cut into random chunks. The parser runs on a stand-in for
// smtp-server's stream internals that records what it writes, so no socket and no event loop.
import fc from 'fast-check';
import { feedDataStream, type StreamInternals } from '../../src/smtp/data-stream-patch.ts';
import { toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/**
 * What DATA means, byte by byte: the message ends at "." CRLF at a line start after CRLF (or at the
 * very start); a line that starts with two dots loses one. "Line start" is after any LF, as in
 * smtp-server, except for an LF that is the first byte of the data (smtp-server looks from index 2).
 */
export function referenceData(wire: Buffer): { data: Buffer; rest: Buffer | null } {
  const out: number[] = [];
  for (let p = 0; p < wire.length; p++) {
    const lineStart = p === 0 || (p >= 2 && wire[p - 1] === LF);
    if (lineStart && wire[p] === DOT) {
      if ((p === 0 || wire[p - 2] === CR) && wire[p + 1] === CR && wire[p + 2] === LF) return { data: Buffer.from(out), rest: wire.subarray(p + 3) };
      if (wire[p + 1] === DOT) continue;
    }
    out.push(wire[p]!);
  }
  return { data: Buffer.from(out), rest: null };
}

/** Feeds the chunks as smtp-server would; returns what reached the data stream and where it ended. */
function feed(chunks: Buffer[]): { written: Buffer; rest: Buffer | null; counted: number } {
  const written: Buffer[] = [];
  let ended: Buffer | null = null;
  let counted = 0;
  const stream: StreamInternals = {
    _dataStream: { writable: true, destroyed: false, write: (c) => (written.push(Buffer.from(c)), true), once: () => undefined, removeListener: () => undefined },
    _lastBytes: false,
    _atDataStart: true,
    // As smtp-server's: any counted byte means the data has started.
    _countDataBytes(length) {
      if (length) this._atDataStart = false;
      counted += length;
    },
    _endDataMode(chunk, remainder, done) {
      if (chunk) written.push(Buffer.from(chunk));
      ended = Buffer.from(remainder);
      done();
    },
    _feedDataStream: feedDataStream,
  };
  for (const [i, chunk] of chunks.entries()) {
    let calls = 0;
    stream._feedDataStream(chunk, () => void calls++);
    // Never hangs: every chunk is acknowledged exactly once, at once (the stream always takes the write).
    if (calls !== 1) throw new Error(`done called ${calls} times for one chunk`);
    // The chunks after the terminator's go to command mode, as the rest of this one does.
    if (ended) return { written: Buffer.concat(written), rest: Buffer.concat([ended, ...chunks.slice(i + 1)]), counted };
  }
  return { written: Buffer.concat(written), rest: null, counted };
}

const wire = fc.array(fc.constantFrom('.', '..', '\r\n', '\r\n.\r\n', '\n', '\r', 'x', '\r\n..', '\n.', '.\r\n', 'QUIT\r\n'), { maxLength: 30 }).map((p) => toBuffer(p.join('')));

function cut(buf: Buffer, sizes: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= buf.length) break;
    chunks.push(buf.subarray(at, at + size));
    at += size;
  }
  if (at < buf.length) chunks.push(buf.subarray(at));
  return chunks;
}

export const smtpDataTarget: FuzzTarget = {
  name: 'smtp/data',
  checks:
    'the DATA parser emits exactly the reference unstuffed message and hands back exactly what follows the terminator, however the input is chunked; unterminated, it emits a prefix of the reference minus at most the 4 bytes it holds back',
  property: fc.property(wire, fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 40 }), (buf, sizes) => {
    const expected = referenceData(buf);
    const got = feed(cut(buf, sizes));
    if (got.counted !== got.written.length) throw new Error(`counted ${got.counted} bytes, wrote ${got.written.length}`);
    if (expected.rest !== null) {
      if (!got.written.equals(expected.data)) throw new Error(`data ${JSON.stringify(got.written.toString('latin1'))}, reference ${JSON.stringify(expected.data.toString('latin1'))}`);
      if (got.rest === null || !got.rest.equals(expected.rest))
        throw new Error(`after the terminator ${JSON.stringify(got.rest?.toString('latin1'))}, reference ${JSON.stringify(expected.rest.toString('latin1'))}`);
      return true;
    }
    if (got.rest !== null) throw new Error(`ended where the reference does not: ${JSON.stringify(buf.toString('latin1'))}`);
    const prefix = expected.data.subarray(0, got.written.length);
    return got.written.equals(prefix) && expected.data.length - got.written.length <= 4;
  }),
};
