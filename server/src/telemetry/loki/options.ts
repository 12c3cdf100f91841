// Settings of the Loki push client, their defaults and the checks that keep its memory bound provable.
// Defaults follow Promtail where it has one (1 MiB batches, 1 s wait, 500 ms → 5 min backoff, 10 tries,
// 10 s request timeout) so operators who know Promtail find no surprises.
import os from 'node:os';
import type { LokiClientStats } from './stats.ts';

export const PUSH_PATH = '/loki/api/v1/push';
/** Loki's own default `max_line_size`; longer lines would be refused server-side, so they are dropped here. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024;
/** What one buffered entry costs besides its text: the entry object, its timestamp and queue slot. */
export const ENTRY_OVERHEAD_BYTES = 64;

export interface LokiBackoffOptions {
  minMs: number;
  maxMs: number;
  /** Sends of one batch in total, the first one included. */
  maxAttempts: number;
}

export interface LokiClientOptions {
  /** Loki's base URL (`http://loki:3100`) or its full push URL; `/loki/api/v1/push` is appended unless the path already ends with it. */
  url: string;
  /** Stream labels besides `category`. Kept to these two on purpose: every label value multiplies Loki's streams. */
  serviceName?: string;
  instance?: string;
  /** Sent as X-Scope-OrgID for multi-tenant Loki. */
  tenantId?: string;
  auth?: { username: string; password: string } | { bearerToken: string };
  /** For https URLs: a private CA (PEM), or `insecureSkipVerify` for a lab Loki with a self-signed certificate. */
  tls?: { ca?: string | Buffer; insecureSkipVerify?: boolean };
  /** `protobuf` (snappy-compressed, what Promtail sends) or `json` for proxies that only pass JSON. */
  format?: 'protobuf' | 'json';
  /** Send level, session id, queue id, client IP and user as structured metadata. Loki must allow it (`allow_structured_metadata`), else it answers 400. */
  structuredMetadata?: boolean;
  batchMaxBytes?: number;
  batchWaitMs?: number;
  /** Bound on everything the client holds, the batch in flight included; the oldest waiting lines go first when it is reached. */
  bufferMaxBytes?: number;
  maxLineBytes?: number;
  backoff?: Partial<LokiBackoffOptions>;
  requestTimeoutMs?: number;
  /** Distinct categories that become streams; later ones share the stream `category="other"` so labels stay bounded. */
  maxStreams?: number;
  stats?: LokiClientStats;
  /** Told about batches Loki refused or that ran out of retries. It must not log back into this client synchronously. */
  onWarning?: (message: string) => void;
}

export interface ResolvedLokiOptions {
  pushUrl: URL;
  serviceName: string;
  instance: string;
  tenantId: string | undefined;
  authorization: string | undefined;
  tls: { ca?: string | Buffer; insecureSkipVerify: boolean };
  format: 'protobuf' | 'json';
  structuredMetadata: boolean;
  batchMaxBytes: number;
  batchWaitMs: number;
  bufferMaxBytes: number;
  maxLineBytes: number;
  backoff: LokiBackoffOptions;
  requestTimeoutMs: number;
  maxStreams: number;
  stats: LokiClientStats | undefined;
  onWarning: ((message: string) => void) | undefined;
}

/** Fills in defaults and refuses settings under which the buffer bound could not hold; throws at construction, never later. */
export function resolveLokiOptions(o: LokiClientOptions): ResolvedLokiOptions {
  const pushUrl = new URL(o.url);
  if (pushUrl.protocol !== 'http:' && pushUrl.protocol !== 'https:') throw new Error(`loki url must be http or https: ${o.url}`);
  if (!pushUrl.pathname.endsWith(PUSH_PATH)) pushUrl.pathname = pushUrl.pathname.replace(/\/+$/, '') + PUSH_PATH;
  const batchMaxBytes = o.batchMaxBytes ?? 1024 * 1024;
  const r: ResolvedLokiOptions = {
    pushUrl,
    serviceName: o.serviceName ?? 'mailroom',
    instance: o.instance ?? os.hostname(),
    tenantId: o.tenantId || undefined,
    authorization: authorization(o.auth),
    tls: { ca: o.tls?.ca, insecureSkipVerify: o.tls?.insecureSkipVerify ?? false },
    format: o.format ?? 'protobuf',
    structuredMetadata: o.structuredMetadata ?? false,
    batchMaxBytes,
    batchWaitMs: o.batchWaitMs ?? 1000,
    bufferMaxBytes: o.bufferMaxBytes ?? 16 * 1024 * 1024,
    maxLineBytes: o.maxLineBytes ?? Math.min(DEFAULT_MAX_LINE_BYTES, batchMaxBytes - ENTRY_OVERHEAD_BYTES),
    backoff: { minMs: 500, maxMs: 300_000, maxAttempts: 10, ...o.backoff },
    requestTimeoutMs: o.requestTimeoutMs ?? 10_000,
    maxStreams: o.maxStreams ?? 32,
    stats: o.stats,
    onWarning: o.onWarning,
  };
  // A line that fits a batch, and a buffer that holds a full batch in flight plus a full one waiting, are
  // what lets push() always make room by dropping waiting lines only.
  if (r.maxLineBytes + ENTRY_OVERHEAD_BYTES > r.batchMaxBytes) throw new Error('loki maxLineBytes must leave room in batchMaxBytes');
  if (r.bufferMaxBytes < 2 * r.batchMaxBytes) throw new Error('loki bufferMaxBytes must be at least twice batchMaxBytes');
  if (!(r.backoff.minMs > 0 && r.backoff.maxMs >= r.backoff.minMs && r.backoff.maxAttempts >= 1)) throw new Error('loki backoff needs 0 < minMs <= maxMs and maxAttempts >= 1');
  if (!(r.batchWaitMs > 0 && r.requestTimeoutMs > 0 && r.maxStreams >= 2)) throw new Error('loki batchWaitMs and requestTimeoutMs must be positive, maxStreams at least 2');
  return r;
}

function authorization(auth: LokiClientOptions['auth']): string | undefined {
  if (!auth) return undefined;
  if ('bearerToken' in auth) return `Bearer ${auth.bearerToken}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}
