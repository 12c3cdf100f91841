// Pull-style reading from a socket for line protocols: await a line (bounded), or exactly n bytes (an
// IMAP literal). Sessions read one command at a time, so pipelined input simply waits in the buffer and
// the socket is paused while the buffer is over its bound. Shared by IMAP and POP3.
import type { Duplex } from 'node:stream';

/** overflow: the line was too long and is skipped; head is its start (to find an IMAP tag). */
export type LineResult = { kind: 'line'; line: Buffer } | { kind: 'overflow'; head: Buffer } | { kind: 'eof' };

const HEAD_BYTES = 256;

const LF = 0x0a;
const CR = 0x0d;

export class SocketReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  /** After an over-long line: the rest of it, up to its LF, is dropped unread. */
  private skipping = false;
  private wake: (() => void) | null = null;
  private detached = false;
  /** When the line being waited for began to arrive (its first byte was seen), or null. */
  private partialSince: number | null = null;

  constructor(
    private readonly socket: Duplex,
    private readonly maxBufferedBytes: number,
    private readonly onActivity: () => void = () => undefined,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  /**
   * How long the line being read has been arriving without its end: a client trickling bytes to keep
   * the connection open shows here (0 when no line is half-read, and while a literal is read by count).
   */
  get partialLineAgeMs(): number {
    return this.partialSince === null ? 0 : Date.now() - this.partialSince;
  }

  /** Bytes received and not yet read: input that was pipelined behind the current command. */
  get buffered(): number {
    return this.length;
  }

  /** A line without its line ending (CRLF, or a bare LF from lenient clients). */
  async readLine(maxBytes: number): Promise<LineResult> {
    for (;;) {
      if (this.skipping) this.skipRestOfLine();
      if (!this.skipping) {
        const lf = this.indexOfLf();
        if (lf >= 0) {
          const raw = this.take(lf + 1);
          this.partialSince = null;
          if (lf > maxBytes) return { kind: 'overflow', head: Buffer.from(raw.subarray(0, HEAD_BYTES)) };
          const end = lf > 0 && raw[lf - 1] === CR ? lf - 1 : lf;
          return { kind: 'line', line: raw.subarray(0, end) };
        }
        if (this.length > maxBytes) {
          const head = Buffer.from(this.take(this.length).subarray(0, HEAD_BYTES));
          this.skipping = true;
          return { kind: 'overflow', head };
        }
      }
      if (this.ended) return { kind: 'eof' };
      if (this.length > 0 || this.skipping) this.partialSince ??= Date.now();
      await this.waitForData();
    }
  }

  /** Exactly n bytes, or null when the peer closes first. */
  async readBytes(n: number): Promise<Buffer | null> {
    this.partialSince = null;
    while (this.length < n) {
      if (this.ended) return null;
      await this.waitForData();
    }
    return this.take(n);
  }

  /**
   * Stops reading this socket and forgets what was buffered. STARTTLS needs both: the TLS layer takes
   * the socket over, and plaintext sent after the command must never be read as if it were protected.
   */
  detach(): void {
    this.detached = true;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.chunks = [];
    this.length = 0;
    this.ended = true;
    this.notify();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.onActivity();
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length > this.maxBufferedBytes) this.socket.pause();
    this.notify();
  };

  private readonly onEnd = (): void => {
    this.ended = true;
    this.notify();
  };

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private waitForData(): Promise<void> {
    if (!this.detached) this.socket.resume();
    return new Promise((resolve) => (this.wake = resolve));
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private indexOfLf(): number {
    return this.length === 0 ? -1 : this.flatten().indexOf(LF);
  }

  private skipRestOfLine(): void {
    const lf = this.indexOfLf();
    if (lf < 0) {
      this.take(this.length);
      return;
    }
    this.take(lf + 1);
    this.skipping = false;
  }

  private take(n: number): Buffer {
    const all = this.flatten();
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    if (this.length <= this.maxBufferedBytes && !this.detached) this.socket.resume();
    return out;
  }
}
