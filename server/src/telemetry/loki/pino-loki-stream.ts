// A pino destination that hands each log line to the Loki client, for pino.multistream next to stdout:
//   pino(opts, pino.multistream([{ stream: process.stdout }, { stream: createPinoLokiStream(client) }]))
//
// In-process on purpose, not a pino.transport() worker thread: pino's worker transport (thread-stream)
// falls back to a synchronous write that spins the main thread with Atomics.wait when its shared ring
// buffer is full, which is exactly when Loki is slow, so a Loki outage would stall SMTP sessions. Here
// write() parses one short JSON line and calls LokiClient.push(), which only appends to a bounded queue;
// the network I/O is asynchronous anyway, so a thread buys nothing and the client's counters stay in the
// main thread where the metric registry lives.
import type { DestinationStream } from 'pino';
import type { LokiMetadata } from './metadata.ts';

export interface LokiPushTarget {
  push(category: string, level: string, timestampMs: number, line: string, metadata?: LokiMetadata): void;
}

/** What the caller already knows about the line being written (log.ts's LineContext). */
export interface KnownLine {
  category: string;
  level: string;
  field(name: string): unknown;
}

export interface PinoLokiStreamOptions {
  /** Category of lines that carry none (the root logger). */
  defaultCategory?: string;
  /**
   * The line being written, when the logger can say: then the stream takes category, level and the
   * metadata fields from it instead of parsing the JSON (that parse was 4% of SMTP throughput with
   * every category on). Lines it knows nothing about are parsed.
   */
  known?: () => KnownLine | null;
}

/** pino's numeric levels; custom levels pass through as their number. */
const PINO_LEVELS: Readonly<Record<number, string>> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/**
 * Fields of our log lines that become structured metadata (when the client sends it), under Loki-style
 * names. Never stream labels: ids, addresses and users are unbounded.
 */
const METADATA_FIELDS: Readonly<Record<string, string>> = {
  session: 'session_id',
  queueId: 'queue_id',
  remote: 'client_ip',
  remoteAddress: 'client_ip',
  user: 'user',
};

export function createPinoLokiStream(client: LokiPushTarget, options: PinoLokiStreamOptions = {}): DestinationStream {
  const defaultCategory = options.defaultCategory ?? 'application';
  return {
    write(chunk: string): void {
      const known = options.known?.();
      if (known && typeof chunk === 'string' && chunk.indexOf('\n') === chunk.length - 1) {
        return pushKnown(client, known, chunk.slice(0, -1));
      }
      // pino writes one newline-terminated line per call; splitting also copes with a caller that batches.
      for (const line of String(chunk).split('\n')) if (line) pushLine(client, line, defaultCategory);
    },
  };
}

function pushKnown(client: LokiPushTarget, known: KnownLine, line: string): void {
  let metadata: Record<string, string> | undefined;
  for (const field in METADATA_FIELDS) {
    const value = known.field(field);
    if (typeof value === 'string' || typeof value === 'number') (metadata ??= {})[METADATA_FIELDS[field]!] = String(value);
  }
  client.push(known.category, known.level, Date.now(), line, metadata);
}

function pushLine(client: LokiPushTarget, line: string, defaultCategory: string): void {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    record = undefined; // not pino JSON (a formatter changed it): still worth keeping, as plain text
  }
  if (!record || typeof record !== 'object') return client.push(defaultCategory, 'info', Date.now(), line);
  const r = record as Record<string, unknown>;
  const category = typeof r.category === 'string' && r.category ? r.category : defaultCategory;
  const level = typeof r.level === 'number' ? (PINO_LEVELS[r.level] ?? String(r.level)) : typeof r.level === 'string' ? r.level : 'info';
  const time = typeof r.time === 'number' ? r.time : typeof r.time === 'string' ? Date.parse(r.time) : Date.now();
  let metadata: Record<string, string> | undefined;
  for (const field in METADATA_FIELDS) {
    const value = r[field];
    if (typeof value === 'string' || typeof value === 'number') (metadata ??= {})[METADATA_FIELDS[field]!] = String(value);
  }
  client.push(category, level, time, line, metadata);
}
