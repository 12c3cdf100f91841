// Loki streams: one per log category, labelled only service_name, instance and category, so the number of
// streams is bounded by the categories (and by maxStreams if a caller invents categories). Each stream
// hands out nanosecond timestamps that strictly increase, because Loki orders lines by timestamp alone:
// two lines logged in the same millisecond would otherwise tie (and identical ones would be deduplicated).

export const OVERFLOW_CATEGORY = 'other';

export interface LokiStream {
  readonly category: string;
  /** Prometheus selector form, as Loki's protobuf push expects: {service_name="mailroom", instance="h1", category="smtp"} */
  readonly labels: string;
  /** The same labels as an object, for the JSON push format. */
  readonly labelObject: Readonly<Record<string, string>>;
  lastMs: number;
  lastNs: number;
}

/** Escapes a label value the way Go's %q does for the characters that can occur, which Loki's parser undoes. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n\r\t\u0000-\u001f\u007f]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(', ')}}`;
}

export class StreamTable {
  private readonly streams = new Map<string, LokiStream>();

  constructor(
    private readonly serviceName: string,
    private readonly instance: string,
    private readonly maxStreams: number,
  ) {}

  /** The stream for a category; O(1). Past maxStreams - 1 categories, new ones share the overflow stream. */
  get(category: string): LokiStream {
    const known = this.streams.get(category);
    if (known) return known;
    const name = this.streams.size < this.maxStreams - 1 || category === OVERFLOW_CATEGORY ? category : OVERFLOW_CATEGORY;
    const existing = this.streams.get(name);
    if (existing) return existing;
    const labelObject = { service_name: this.serviceName, instance: this.instance, category: name };
    const stream: LokiStream = { category: name, labels: formatLabels(labelObject), labelObject, lastMs: -Infinity, lastNs: 0 };
    this.streams.set(name, stream);
    return stream;
  }
}

/**
 * The next timestamp of a stream as [milliseconds, nanoseconds within that millisecond]. A line in a later
 * millisecond starts at its nanosecond 0; a line in the same (or an earlier, after a clock step back)
 * millisecond gets the previous timestamp plus 1 ns, so order of push() is the order in Loki. Kept as two
 * numbers because epoch nanoseconds exceed 2^53.
 */
export function nextTimestamp(stream: LokiStream, timestampMs: number): [number, number] {
  const ms = Number.isFinite(timestampMs) && timestampMs >= 0 ? Math.floor(timestampMs) : Date.now();
  if (ms > stream.lastMs) {
    stream.lastMs = ms;
    stream.lastNs = 0;
  } else if (++stream.lastNs === 1_000_000) {
    stream.lastMs++;
    stream.lastNs = 0;
  }
  return [stream.lastMs, stream.lastNs];
}

/** Epoch nanoseconds as the decimal string Loki's JSON format wants. */
export function nanosString(ms: number, ns: number): string {
  return `${ms}${String(ns).padStart(6, '0')}`;
}
