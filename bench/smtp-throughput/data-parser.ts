// smtp-server's DATA parser against ours (server/src/smtp/data-stream-patch.ts) on the same message, in
// this process: milliseconds per message, fed in 64 KiB chunks as a socket delivers them.
//
//   node --import tsx bench/smtp-throughput/data-parser.ts [--size BYTES] [--messages N]   (--help for both)
import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';
import { feedDataStream, type StreamInternals } from '../../server/src/smtp/data-stream-patch.ts';
import { defineOptions, readOptions } from '../options.ts';

const OPTIONS = defineOptions({
  usage: 'node --import tsx bench/smtp-throughput/data-parser.ts [options]',
  options: {
    size: { type: 'integer', value: 'BYTES', default: 102_400, help: 'bytes per message' },
    messages: { type: 'integer', default: 300, help: 'messages per parser and round' },
  },
});
const { size, messages } = readOptions(OPTIONS);
const libraryFeed = (SMTPStream as unknown as { prototype: StreamInternals }).prototype._feedDataStream;

// Lines like smtp-source's, ending in a period now and then (mid-line dots cost the library nothing extra).
const line = 'La-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la-la.\r\n';
const wire = Buffer.from(`${line.repeat(Math.ceil(size / line.length))}.\r\n`);

async function msPerMessage(feed: StreamInternals['_feedDataStream']): Promise<number> {
  const started = process.hrtime.bigint();
  for (let n = 0; n < messages; n++) {
    const stream = new SMTPStream() as unknown as StreamInternals & SMTPStream & { startDataMode(): NodeJS.ReadableStream; oncommand: unknown };
    stream._feedDataStream = feed;
    stream.oncommand = (_command: Buffer, callback?: () => void) => callback?.();
    const data = stream.startDataMode();
    data.on('data', () => undefined);
    const ended = new Promise((resolve) => data.on('end', resolve));
    for (let at = 0; at < wire.length; at += 65536) stream.write(wire.subarray(at, at + 65536));
    await ended;
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / messages;
}

await msPerMessage(feedDataStream); // warm up both
await msPerMessage(libraryFeed);
for (let round = 1; round <= 3; round++) {
  const library = await msPerMessage(libraryFeed);
  const ours = await msPerMessage(feedDataStream);
  console.log(`round ${round}: ${wire.length} bytes per message: smtp-server ${library.toFixed(3)} ms, patched ${ours.toFixed(3)} ms (${(library / ours).toFixed(1)}x)`);
}
