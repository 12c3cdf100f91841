// The Loki push client's public surface; see README.md in this folder for wiring and metrics.
export { LokiClient } from './client.ts';
export type { LokiMetadata } from './metadata.ts';
export type { LokiBackoffOptions, LokiClientOptions } from './options.ts';
export { LOKI_DROP_REASONS, type LokiClientSnapshot, type LokiClientStats, type LokiDropReason, type LokiRetryInfo } from './stats.ts';
export { createPinoLokiStream, type KnownLine, type LokiPushTarget, type PinoLokiStreamOptions } from './pino-loki-stream.ts';
