// The live log's connection: an EventSource on the plugin proxy's stream URL. Mailroom sends `event: log`
// with one JSON line as data, `event: dropped` with {count} when it had to skip lines for a slow client,
// and comment lines as heartbeats (EventSource ignores those). EventSource reconnects by itself after a
// dropped connection; an answer that is not a 200 event stream closes it for good ("failed").
import { parseLogLine, type LogEntry } from './logLine';

export type StreamState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'failed';

export interface LogStreamHandlers {
  onLine(entry: LogEntry): void;
  onDropped(count: number): void;
  onState(state: StreamState): void;
}

/** The part of EventSource used here, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: Event) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceFactory = (url: string) => EventSourceLike;

const CLOSED = 2;

export const browserEventSource: EventSourceFactory = (url) => new EventSource(url) as unknown as EventSourceLike;

export class LogStream {
  private source: EventSourceLike | null = null;
  private seq = 0;

  constructor(
    private readonly handlers: LogStreamHandlers,
    private readonly factory: EventSourceFactory = browserEventSource,
  ) {}

  get active(): boolean {
    return this.source !== null;
  }

  start(url: string): void {
    this.stop();
    const source = this.factory(url);
    this.source = source;
    this.handlers.onState('connecting');
    source.onopen = () => {
      if (this.source === source) this.handlers.onState('open');
    };
    source.onerror = () => {
      if (this.source !== source) return;
      if (source.readyState === CLOSED) {
        this.source = null;
        source.close();
        this.handlers.onState('failed');
      } else {
        this.handlers.onState('reconnecting');
      }
    };
    source.addEventListener('log', (ev) => {
      if (this.source === source) this.handlers.onLine(parseLogLine(String(ev.data), ++this.seq));
    });
    source.addEventListener('dropped', (ev) => {
      if (this.source !== source) return;
      let count = 0;
      try {
        count = Number((JSON.parse(String(ev.data)) as { count?: unknown }).count) || 0;
      } catch {
        count = 0;
      }
      if (count > 0) this.handlers.onDropped(count);
    });
  }

  stop(): void {
    const source = this.source;
    this.source = null;
    if (source) {
      source.close();
      this.handlers.onState('idle');
    }
  }
}
