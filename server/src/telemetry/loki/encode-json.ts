// Loki's JSON push format, for proxies or gateways that do not pass protobuf:
//   {"streams":[{"stream":{"service_name":"mailroom",...},"values":[["<epoch ns>","<line>",{"level":"info"}]]}]}
// The timestamp is a string because epoch nanoseconds do not fit a JSON number exactly; the third
// element (structured metadata) is left out when there is none, as Loki accepts two or three elements.
import type { StreamGroup } from './batch.ts';
import { nanosString } from './streams.ts';

export function encodeJsonPushRequest(groups: readonly StreamGroup[]): Buffer {
  const streams = groups.map((g) => ({
    stream: g.stream.labelObject,
    values: g.entries.map((e) => {
      const ts = nanosString(e.ms, e.ns);
      return e.metadata?.length ? [ts, e.line, Object.fromEntries(e.metadata)] : [ts, e.line];
    }),
  }));
  return Buffer.from(JSON.stringify({ streams }));
}
