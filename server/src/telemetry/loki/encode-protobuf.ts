// logproto.PushRequest in protobuf wire format, written by hand (Loki's pkg/push/push.proto):
//   PushRequest      { repeated StreamAdapter streams = 1; }
//   StreamAdapter    { string labels = 1; repeated EntryAdapter entries = 2; }
//   EntryAdapter     { google.protobuf.Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; }
//   LabelPairAdapter { string name = 1; string value = 2; }
//   Timestamp        { int64 seconds = 1; int32 nanos = 2; }
// Five small messages do not justify a protobuf library and its code generation; the test receiver
// decodes with protobufjs from the .proto text, so this encoder is checked independently.
import type { StreamGroup } from './batch.ts';
import type { LokiEntry } from './entry-queue.ts';

// (field number << 3) | wire type; wire type 2 is length-delimited, 0 is varint.
const FIELD1_LEN = 0x0a;
const FIELD2_LEN = 0x12;
const FIELD3_LEN = 0x1a;
const FIELD1_VARINT = 0x08;
const FIELD2_VARINT = 0x10;

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Bytes of a length-delimited field whose content is `len` bytes (tags of fields 1-15 take one byte). */
function fieldSize(len: number): number {
  return 1 + varintSize(len) + len;
}

function timestampParts(e: LokiEntry): [number, number] {
  return [Math.floor(e.ms / 1000), (e.ms % 1000) * 1_000_000 + e.ns];
}

function timestampSize(e: LokiEntry): number {
  const [seconds, nanos] = timestampParts(e);
  // proto3 leaves zero-valued scalars out
  return (seconds ? 1 + varintSize(seconds) : 0) + (nanos ? 1 + varintSize(nanos) : 0);
}

function pairSize(name: string, value: string): number {
  return fieldSize(Buffer.byteLength(name)) + fieldSize(Buffer.byteLength(value));
}

function entrySize(e: LokiEntry): number {
  let size = fieldSize(timestampSize(e)) + fieldSize(Buffer.byteLength(e.line));
  for (const [name, value] of e.metadata ?? []) size += fieldSize(pairSize(name, value));
  return size;
}

class Writer {
  readonly buf: Buffer;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  varint(n: number): void {
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  header(tag: number, len: number): void {
    this.buf[this.pos++] = tag;
    this.varint(len);
  }

  string(tag: number, s: string): void {
    this.header(tag, Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}

export function encodePushRequest(groups: readonly StreamGroup[]): Buffer {
  // First pass: every nested length, since each message is prefixed with its size.
  const entrySizes = groups.map((g) => g.entries.map(entrySize));
  const streamSizes = groups.map((g, i) => fieldSize(Buffer.byteLength(g.stream.labels)) + entrySizes[i]!.reduce((n, s) => n + fieldSize(s), 0));
  const w = new Writer(streamSizes.reduce((n, s) => n + fieldSize(s), 0));
  groups.forEach((g, i) => {
    w.header(FIELD1_LEN, streamSizes[i]!);
    w.string(FIELD1_LEN, g.stream.labels);
    g.entries.forEach((e, j) => {
      w.header(FIELD2_LEN, entrySizes[i]![j]!);
      const [seconds, nanos] = timestampParts(e);
      w.header(FIELD1_LEN, timestampSize(e));
      if (seconds) {
        w.buf[w.pos++] = FIELD1_VARINT;
        w.varint(seconds);
      }
      if (nanos) {
        w.buf[w.pos++] = FIELD2_VARINT;
        w.varint(nanos);
      }
      w.string(FIELD2_LEN, e.line);
      for (const [name, value] of e.metadata ?? []) {
        w.header(FIELD3_LEN, pairSize(name, value));
        w.string(FIELD1_LEN, name);
        w.string(FIELD2_LEN, value);
      }
    });
  });
  if (w.pos !== w.buf.length) throw new Error(`protobuf size mismatch: wrote ${w.pos} of ${w.buf.length}`);
  return w.buf;
}
