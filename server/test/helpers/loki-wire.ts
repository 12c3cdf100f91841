// Decodes a push request the way Loki's distributor does (pkg/loghttp/push/push.go), written apart from
// our encoder so the tests check the wire format rather than agree with themselves:
//  - Content-Encoding must be absent, snappy, gzip or deflate (we send none);
//  - Content-Type application/json is the JSON format; anything else (x-protobuf) is a snappy *block*
//    (not framed) compressed logproto.PushRequest, decoded here by protobufjs from the .proto text;
//  - every stream's labels must parse as a Prometheus selector {name="value", ...}.
// Any deviation throws, and the receiver answers 400 as Loki would.
import protobuf from 'protobufjs';

export interface DecodedEntry {
  /** Epoch nanoseconds. */
  ts: bigint;
  line: string;
  metadata: Record<string, string>;
}

export interface DecodedStream {
  labels: string;
  labelSet: Record<string, string>;
  entries: DecodedEntry[];
}

// Field numbers as in grafana/loki pkg/push/push.proto (gogoproto options left out: they do not change the wire).
const TIMESTAMP_PROTO = `syntax = "proto3"; package google.protobuf;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }`;
const PUSH_PROTO = `syntax = "proto3"; package logproto;
message PushRequest { repeated StreamAdapter streams = 1; string format = 2; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message LabelPairAdapter { string name = 1; string value = 2; }
message EntryAdapter {
  google.protobuf.Timestamp timestamp = 1;
  string line = 2;
  repeated LabelPairAdapter structuredMetadata = 3;
  repeated LabelPairAdapter parsed = 4;
}`;

const root = new protobuf.Root();
protobuf.parse(TIMESTAMP_PROTO, root);
protobuf.parse(PUSH_PROTO, root);
const PushRequest = root.lookupType('logproto.PushRequest');

export function decodePush(headers: Record<string, string | string[] | undefined>, body: Buffer): DecodedStream[] {
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding !== '' && encoding !== 'snappy') throw new Error(`test receiver does not implement Content-Encoding ${String(encoding)}`);
  const contentType = String(headers['content-type'] ?? '');
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (!mediaType) throw new Error('mime: no media type'); // what Go's mime.ParseMediaType answers Loki
  return mediaType === 'application/json' ? decodeJsonPush(body) : decodeProtobufPush(body);
}

export function decodeProtobufPush(body: Buffer): DecodedStream[] {
  const message = PushRequest.decode(snappyBlockDecode(body));
  const obj = PushRequest.toObject(message, { longs: String, defaults: true }) as {
    streams: { labels: string; entries: { timestamp?: { seconds: string; nanos: number }; line: string; structuredMetadata: { name: string; value: string }[] }[] }[];
  };
  return obj.streams.map((s) => ({
    labels: s.labels,
    labelSet: parseLabels(s.labels),
    entries: s.entries.map((e) => ({
      ts: BigInt(e.timestamp?.seconds ?? '0') * 1_000_000_000n + BigInt(e.timestamp?.nanos ?? 0),
      line: e.line,
      metadata: Object.fromEntries(e.structuredMetadata.map((p) => [p.name, p.value])),
    })),
  }));
}

/** Loki's v1 JSON: values are [ "<ns as string>", "<line>" ] or with a third element, an object of strings. */
export function decodeJsonPush(body: Buffer): DecodedStream[] {
  const doc = JSON.parse(body.toString('utf8')) as { streams?: unknown };
  if (!Array.isArray(doc.streams)) throw new Error('streams is not an array');
  return doc.streams.map((s: { stream?: Record<string, unknown>; values?: unknown[] }) => {
    const labelSet = stringMap(s.stream, 'stream');
    const entries = (s.values ?? []).map((v) => {
      if (!Array.isArray(v) || v.length < 2 || v.length > 3) throw new Error('array must have at least 2 and up to 3 values');
      const [ts, line, meta] = v as unknown[];
      if (typeof ts !== 'string' || !/^-?\d+$/.test(ts)) throw new Error(`timestamp must be a string of integer nanoseconds: ${JSON.stringify(ts)}`);
      if (typeof line !== 'string') throw new Error('line must be a string');
      return { ts: BigInt(ts), line, metadata: v.length === 3 ? stringMap(meta, 'structured metadata') : {} };
    });
    const labels = `{${Object.entries(labelSet)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}}`;
    return { labels, labelSet, entries };
  });
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} must be an object`);
  for (const v of Object.values(value)) if (typeof v !== 'string') throw new Error(`${what} values must be strings`);
  return value as Record<string, string>;
}

/** A Prometheus selector of equality matchers with Go-quoted values; at least one label, no duplicates. */
export function parseLabels(text: string): Record<string, string> {
  const m = /^\{(.*)\}$/s.exec(text.trim());
  const body = m?.[1]?.trim();
  if (!body) throw new Error(`labels are not a selector with labels: ${text}`);
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*/sy;
  const out: Record<string, string> = {};
  for (let i = 0; ; i++) {
    pair.lastIndex = i;
    const match = pair.exec(body);
    if (!match) throw new Error(`cannot parse labels at ${JSON.stringify(body.slice(i))}`);
    if (match[1]! in out) throw new Error(`duplicate label ${match[1]}`);
    out[match[1]!] = unquoteGo(match[2]!);
    i = pair.lastIndex;
    if (i === body.length) return out;
    if (body[i] !== ',') throw new Error(`expected a comma at ${JSON.stringify(body.slice(i))}`);
  }
}

function unquoteGo(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_, e: string) => {
    if (e[0] === 'u' || e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (!(e in simple)) throw new Error(`invalid escape \\${e}`);
    return simple[e]!;
  });
}

/**
 * Snappy block format (google/snappy format_description.txt): a uvarint of the decoded length, then
 * literals and back-references. Strict like Go's snappy.Decode: bad offsets or a length that does not
 * match the preamble are errors, which catches a framed stream or an uncompressed body.
 */
export function snappyBlockDecode(src: Buffer): Buffer {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28) throw new Error('snappy: bad preamble');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  const out = Buffer.alloc(length);
  let o = 0;
  const need = (n: number): void => {
    if (pos + n > src.length) throw new Error('snappy: truncated input');
  };
  while (pos < src.length) {
    const tag = src[pos++]!;
    if ((tag & 3) === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const n = len - 59;
        need(n);
        len = src.readUIntLE(pos, n);
        pos += n;
      }
      len += 1;
      need(len);
      if (o + len > length) throw new Error('snappy: literal overflows the decoded length');
      src.copy(out, o, pos, pos + len);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if ((tag & 3) === 1) {
      need(1);
      len = 4 + ((tag >> 2) & 7);
      offset = ((tag >> 5) << 8) | src[pos++]!;
    } else if ((tag & 3) === 2) {
      need(2);
      len = 1 + (tag >> 2);
      offset = src.readUInt16LE(pos);
      pos += 2;
    } else {
      need(4);
      len = 1 + (tag >> 2);
      offset = src.readUInt32LE(pos);
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) throw new Error('snappy: bad copy');
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!; // byte by byte: copies may overlap themselves
  }
  if (o !== length) throw new Error(`snappy: decoded ${o} bytes, preamble said ${length}`);
  return out;
}
