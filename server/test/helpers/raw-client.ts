// A bare TCP client for protocol tests that real clients would never send: garbage, wrong order,
// oversized lines, half-finished literals. It records everything the server says.
import net from 'node:net';

export class RawClient {
  private received = '';
  private closed = false;
  private waiters: Array<() => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  /** localAddress: another loopback address (127.0.0.2 ...) to stand for another client. */
  static connect(port: number, localAddress?: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Everything received so far. */
  get output(): string {
    return this.received;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until the output (from `from` on) matches, and returns it; fails after timeoutMs. */
  async waitFor(pattern: RegExp, timeoutMs = 5_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.received.slice(from);
      if (pattern.test(text)) return text;
      if (this.closed) throw new Error(`connection closed before ${pattern}; received:\n${this.received.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${pattern}; received:\n${this.received.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitForClose(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection still open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
