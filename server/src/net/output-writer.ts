// Writes a session's responses with back-pressure. What is handed to the socket at one time is at most
// one chunk, and a chunk goes only when the socket does not ask to drain, so the socket never holds
// more than its high-water mark plus one chunk: the cap. A response is sent in chunks cut from the
// pieces it was given (a message body is never copied into one big reply Buffer). A client that leaves
// the buffer full for `timeoutMs` is given up on: `onTimeout` is called, which closes the session.
// Each chunk after a response's first waits its turn of the event loop (util/event-loop-turns.ts): a
// client that reads as fast as loopback allows cannot make one response hold the loop for long.
import { takeTurn } from '../util/event-loop-turns.ts';

/** The part of net.Socket / tls.TLSSocket the writer uses (a fake one in the unit test). */
export interface OutputSocket {
  write(chunk: Buffer): boolean;
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  /** Hold writes until uncork(), then hand them to the kernel as one (net.Socket's cork). */
  cork?(): void;
  uncork?(): void;
}

export interface OutputWriterOptions {
  /** Most bytes the socket may hold unsent; the chunk size is this minus its high-water mark. */
  capBytes: number;
  /** How long to wait for the socket to drain before giving up on the client. */
  timeoutMs: number;
  /** The client did not read for timeoutMs; the session should close. Nothing more is written. */
  onTimeout: (bufferedBytes: number) => void;
}

/** Below this a chunk would mean a write call per few bytes; the cap is then exceeded by this much. */
const MIN_CHUNK_BYTES = 1024;

export class OutputWriter {
  private timedOut = false;
  /** Writes go out one after the other, so chunks of two responses never interleave. */
  private previous: Promise<void> = Promise.resolve();

  constructor(
    /** The socket is replaced by STARTTLS, so it is asked for each time. */
    private readonly socket: () => OutputSocket,
    private readonly options: OutputWriterOptions,
  ) {}

  write(data: string | Buffer | readonly Buffer[]): Promise<void> {
    const next = this.previous.then(() => this.send(data));
    this.previous = next.catch(() => undefined);
    return next;
  }

  /**
   * Responses written within one turn of the event loop go to the kernel in one writev: a FETCH of 5,000
   * messages is 5,000 small responses, and one write call each cost a quarter of its time. The socket is
   * uncorked on the next tick, so nothing waits longer than the code that is running now; a response that
   * fills the socket still waits for 'drain', which the uncork lets come.
   */
  private cork(socket: OutputSocket): void {
    if (this.corked || !socket.cork || !socket.uncork) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork!();
    });
  }

  private corked = false;

  private async send(data: string | Buffer | readonly Buffer[]): Promise<void> {
    if (this.timedOut) return;
    const pieces = typeof data === 'string' ? [Buffer.from(data)] : Buffer.isBuffer(data) ? [data] : data;
    const socket = this.socket();
    this.cork(socket);
    const chunkBytes = Math.max(MIN_CHUNK_BYTES, this.options.capBytes - socket.writableHighWaterMark);
    let first = true;
    for (const chunk of chunks(pieces, chunkBytes)) {
      if (!first) await takeTurn();
      first = false;
      if (socket.writableNeedDrain && !(await this.drained(socket))) return;
      if (socket.destroyed || this.timedOut) return;
      socket.write(chunk);
    }
  }

  /** True once the socket drained; false when it closed or the client ran out of time. */
  private drained(socket: OutputSocket): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.off('drain', onDrain);
        socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => {
        this.timedOut = true;
        done(false);
        this.options.onTimeout(socket.writableLength);
      }, this.options.timeoutMs);
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  }
}

/**
 * The pieces as consecutive chunks of at most `size` bytes: small pieces are gathered into one chunk
 * (a copy of at most `size` bytes), large ones are cut into views of themselves without copying.
 */
export function* chunks(pieces: readonly Buffer[], size: number): Generator<Buffer> {
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  for (const piece of pieces) {
    let offset = 0;
    while (offset < piece.length) {
      const take = Math.min(size - gatheredBytes, piece.length - offset);
      const part = piece.subarray(offset, offset + take);
      offset += take;
      if (take === size) {
        yield part;
        continue;
      }
      gathered.push(part);
      gatheredBytes += take;
      if (gatheredBytes === size) {
        yield Buffer.concat(gathered, gatheredBytes);
        gathered = [];
        gatheredBytes = 0;
      }
    }
  }
  if (gatheredBytes > 0) yield gathered.length === 1 ? gathered[0]! : Buffer.concat(gathered, gatheredBytes);
}
