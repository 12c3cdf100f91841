// A raw SMTP client on a plain socket, for what real client libraries refuse to send: garbage, NULs,
// commands out of order, over-long lines, talking before the greeting. Every reply is recorded whole
// (multi-line replies joined with "\n") so tests can assert and print the exact lines.
import net from 'node:net';

export class SmtpDialogue {
  readonly transcript: string[] = [];
  private buffer = '';
  private pendingLines: string[] = [];
  private replies: string[] = [];
  private waiters: Array<(reply: string | null) => void> = [];
  private ended = false;
  private readonly endedPromise: Promise<void>;

  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    this.endedPromise = new Promise((resolve) => {
      const end = () => {
        this.ended = true;
        for (const w of this.waiters.splice(0)) w(null);
        resolve();
      };
      socket.once('close', end);
      socket.once('end', end);
    });
    socket.on('error', () => undefined);
  }

  /** Connects; with `greeting: true` (the default) waits for the banner and returns after it. */
  static async open(port: number, { greeting = true, host = '127.0.0.1' } = {}): Promise<SmtpDialogue> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(s));
      s.once('error', reject);
    });
    const dialogue = new SmtpDialogue(socket);
    if (greeting) await dialogue.reply();
    return dialogue;
  }

  /** Sends one command line (CRLF added) and returns its reply. */
  async command(line: string | Buffer): Promise<string> {
    this.write(Buffer.concat([Buffer.isBuffer(line) ? line : Buffer.from(line, 'latin1'), Buffer.from('\r\n')]));
    return this.reply();
  }

  /** Writes bytes exactly as given. */
  write(bytes: Buffer | string): void {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1');
    this.transcript.push(`C: ${printable(buf)}`);
    this.socket.write(buf);
  }

  /** The next complete reply; throws when the server closes first or nothing comes within the timeout. */
  async reply(timeoutMs = 10_000): Promise<string> {
    const next = await this.nextReply(timeoutMs);
    if (next === null) throw new Error(`connection closed while waiting for a reply\n${this.transcript.join('\n')}`);
    return next;
  }

  /** Resolves true once the server has closed the connection (false if it is still open after the timeout). */
  async closedByServer(timeoutMs = 10_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const closed = await Promise.race([this.endedPromise.then(() => true), timeout]);
    clearTimeout(timer);
    return closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private nextReply(timeoutMs: number): Promise<string | null> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no reply within ${timeoutMs} ms\n${this.transcript.join('\n')}`));
      }, timeoutMs);
      const waiter = (reply: string | null) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiters.push(waiter);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let index: number;
    while ((index = this.buffer.indexOf('\r\n')) >= 0) {
      const line = this.buffer.slice(0, index);
      this.buffer = this.buffer.slice(index + 2);
      this.transcript.push(`S: ${line}`);
      this.pendingLines.push(line);
      // The last line of a reply has a space (or nothing) after the code; "250-" continues.
      if (line.length <= 3 || line[3] !== '-') {
        const reply = this.pendingLines.join('\n');
        this.pendingLines = [];
        const waiter = this.waiters.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
  }
}

function printable(buf: Buffer): string {
  const text = buf.length > 200 ? `${buf.subarray(0, 200).toString('latin1')}... (${buf.length} bytes)` : buf.toString('latin1');
  return JSON.stringify(text).slice(1, -1);
}
