// The patched DATA parser against smtp-server's own, on the same input split into the same chunks:
// the message bytes and the commands after it must come out identical.
import { describe, expect, it } from 'vitest';
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { feedDataStream, installDataStreamPatch, type StreamInternals } from './data-stream-patch.ts';

const proto = (SMTPStream as unknown as { prototype: StreamInternals }).prototype;
const libraryFeed = proto._feedDataStream;

interface Outcome {
  data: string;
  commands: string[];
}

async function parse(feed: StreamInternals['_feedDataStream'], pieces: Buffer[]): Promise<Outcome> {
  const stream = new SMTPStream() as unknown as SMTPStream &
    StreamInternals & {
      oncommand: (command: Buffer, callback?: () => void) => void;
      startDataMode(): NodeJS.ReadableStream;
      continue(): void;
    };
  stream._feedDataStream = feed;
  const commands: string[] = [];
  stream.oncommand = (command, callback) => {
    commands.push(command.toString('binary'));
    callback?.();
  };
  const data: Buffer[] = [];
  const dataStream = stream.startDataMode();
  dataStream.on('data', (chunk: Buffer) => data.push(chunk));
  dataStream.on('end', () => stream.continue());
  const finished = new Promise<void>((resolve) => stream.on('finish', () => resolve()));
  for (const piece of pieces) stream.write(piece);
  stream.end();
  await finished;
  // Commands after the message are handed over in later turns of the event loop.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  return { data: Buffer.concat(data).toString('binary'), commands };
}

/** A deterministic pseudo-random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const FRAGMENTS = ['.', '..', '...', '\r\n', '\r\n.', '\r\n..', '\n', '\n.', '\r', 'x', 'hello world', '.\r\n', '\r\n.\r', 'A'.repeat(70)];

function message(rand: () => number, terminated: boolean): string {
  let body = '';
  const parts = Math.floor(rand() * 60);
  for (let i = 0; i < parts; i++) body += FRAGMENTS[Math.floor(rand() * FRAGMENTS.length)];
  // A message may end with the terminator (then commands follow) or stop mid-way (a client that hangs up).
  return terminated ? `${body}\r\n.\r\nNOOP\r\nQUIT\r\n` : body;
}

function split(wire: Buffer, rand: () => number): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < wire.length) {
    const size = 1 + Math.floor(rand() * (rand() < 0.5 ? 6 : 200));
    pieces.push(wire.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

describe('patched DATA parser', () => {
  it('emits what smtp-server emits for 3000 random messages, however they are split', async () => {
    const rand = random(20261128);
    for (let n = 0; n < 3000; n++) {
      const wire = Buffer.from(message(rand, rand() < 0.9), 'binary');
      const pieces = n % 3 === 0 ? [wire] : split(wire, rand);
      const ours = await parse(feedDataStream, pieces);
      const theirs = await parse(libraryFeed, pieces);
      expect(ours, JSON.stringify(wire.toString('binary'))).toEqual(theirs);
    }
  });

  it('undoes dot-stuffing and stops at the terminator', async () => {
    const wire = Buffer.from('Subject: x\r\n\r\n..leading dot\r\nmiddle . dot\r\n...\r\n.\r\nQUIT\r\n');
    expect(await parse(feedDataStream, [wire])).toEqual({ data: 'Subject: x\r\n\r\n.leading dot\r\nmiddle . dot\r\n..\r\n', commands: ['QUIT'] });
  });

  it('is what SMTPStream uses once installed', () => {
    installDataStreamPatch();
    expect(proto._feedDataStream).toBe(feedDataStream);
  });
});
