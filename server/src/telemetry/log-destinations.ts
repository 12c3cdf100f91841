// Where pino's lines go: one fan-out destination (pino.multistream checks levels and copies metadata
// for every line and every stream; ours has nothing to check) to stdout, the live log and any extra
// stream (the Loki client's).
//
// Lines for stdout are gathered for up to 50 ms (or 64 KiB; a warning or an error goes at once, with
// what was gathered before it) and handed to the asynchronous writer as one string. A write per line, or even per event-loop turn, cost more than making the lines: each is a
// hand-off to libuv's thread pool and a wake-up of whoever reads the pipe (BENCHMARKS.md, Logging).
// Nothing waits on stdout: the writer caps what it holds and drops (and counts) the rest.
import pino from 'pino';

export interface LineSink {
  write(line: string): void;
}

export interface BatchLimits {
  /** Longest a line waits before it is handed on. */
  maxDelayMs: number;
  /** Hand on at once when this many characters are waiting. */
  maxChars: number;
}

export const STDOUT_BATCH: BatchLimits = { maxDelayMs: 50, maxChars: 64 * 1024 };

export class LineBatcher implements LineSink {
  private lines: string[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | null = null;

  /** @param urgent whether the line being written should go at once (warnings and errors do). */
  constructor(
    private readonly target: LineSink,
    private readonly limits: BatchLimits = STDOUT_BATCH,
    private readonly urgent: () => boolean = () => false,
  ) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.limits.maxChars || this.urgent()) return this.flush();
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.limits.maxDelayMs);
    this.timer.unref(); // the exit handler flushes what is left
  }

  /** Hands what is gathered to the target now (also at exit, so the last lines are not lost). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.lines.length === 0) return;
    const chunk = this.lines.length === 1 ? this.lines[0]! : this.lines.join('');
    this.lines = [];
    this.chars = 0;
    this.target.write(chunk);
  }
}

/** Asynchronous stdout with a cap; `onDrop` hears how many lines did not fit. */
export function stdoutWriter(maxBytes: number, onDrop: (lines: number) => void): LineSink & { flushSync(): void } {
  const boom = pino.destination({ fd: 1, sync: false, maxLength: maxBytes });
  boom.on('drop', (chunk: string) => onDrop(countLines(chunk)));
  return {
    write: (chunk) => void boom.write(chunk),
    flushSync: () => {
      try {
        boom.flushSync();
      } catch {
        // stdout closed or busy: nothing more can be done at exit
      }
    },
  };
}

function countLines(chunk: string): number {
  let n = 0;
  for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) n++;
  return Math.max(n, 1);
}

/** One destination for pino that writes every line to each sink in turn. */
export function fanOut(sinks: readonly LineSink[]): pino.DestinationStream {
  return {
    write(line: string) {
      for (const sink of sinks) sink.write(line);
    },
  };
}
