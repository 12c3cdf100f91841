// What the service keeps of logging once it is set up: the run-time category switches, the live log, the
// Loki client (when loki.url is set) and where the Loki client reports its request durations. Made by
// service/logging-setup.ts before the metric catalogue exists, so the metric is attached later.
import type { LiveLogHub } from './live-log.ts';
import type { CategorySwitches } from './log-categories.ts';
import type { LokiClient } from './loki/index.ts';

/** Receives each Loki push's duration; the service points it at the metric once the catalogue exists. */
export class LokiRequestObserver {
  private sink: (statusCode: string, seconds: number) => void = () => undefined;

  attach(sink: (statusCode: string, seconds: number) => void): void {
    this.sink = sink;
  }

  observe(statusCode: string, seconds: number): void {
    this.sink(statusCode, seconds);
  }
}

export interface LoggingHandles {
  switches: CategorySwitches;
  loki: LokiClient | null;
  /** The live log every logger publishes to; the admin API's SSE stream reads it. */
  live: LiveLogHub;
  /** Absent where no Loki client was set up. */
  lokiRequests?: LokiRequestObserver | undefined;
}
