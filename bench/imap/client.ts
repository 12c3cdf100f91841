// A minimal IMAP client for the benchmark: tagged commands, untagged responses counted (not kept), and
// literals skipped by their announced length without copying, so a FETCH of 50 MB costs the client
// little next to the server it measures (both share the same cores). Every wait has a deadline.
import net from 'node:net';

export interface CommandResult {
  /** The tagged status line, e.g. "A3 OK FETCH completed". */
  status: string;
  /** Untagged responses ("* ..."), a response with literals counting once. */
  untagged: number;
  /** Untagged responses whose first line is "* n FETCH". */
  fetches: number;
  /** Bytes received for this command, literals included. */
  bytes: number;
  /** The first line of the first 100 untagged responses. */
  lines: string[];
}

type Waiter = { tag: string; result: CommandResult; resolve: (r: CommandResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class ImapClient {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes of a literal still to skip before the current response line continues. */
  private literalLeft = 0;
  /** The response (line) being read: only its first 200 characters are kept. */
  private head = '';
  private continuing = false;
  private tagSeq = 0;
  private waiter: Waiter | null = null;
  private lineWaiters: { match: (line: string) => boolean; resolve: () => void }[] = [];
  private closed: Error | null = null;
  /** Untagged lines seen outside a command (IDLE, greetings). */
  untaggedOutside = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.closed ??= err;
      if (this.waiter) {
        clearTimeout(this.waiter.timer);
        this.waiter.reject(err);
        this.waiter = null;
      }
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, timeoutMs = 30_000): Promise<ImapClient> {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const client = new ImapClient(socket);
    await client.waitForLine((l) => l.startsWith('* OK') || l.startsWith('* BYE') || l.startsWith('* PREAUTH'), timeoutMs, 'greeting');
    if (client.head.startsWith('* BYE')) throw new Error(`refused: ${client.head}`);
    return client;
  }

  /** Sends a command and resolves at its tagged reply; rejects on NO/BAD, a closed connection or the deadline. */
  command(text: string, timeoutMs = 120_000): Promise<CommandResult> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.waiter) return Promise.reject(new Error('one command at a time'));
    const tag = `B${++this.tagSeq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`${text.split(' ')[0]}: no tagged reply within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiter = {
        tag,
        result: { status: '', untagged: 0, fetches: 0, bytes: 0, lines: [] },
        resolve: (r) => (/^\S+ OK/i.test(r.status) ? resolve(r) : reject(new Error(`${text.split(' ')[0]}: ${r.status}`))),
        reject,
        timer,
      };
      this.socket.write(`${tag} ${text}\r\n`);
    });
  }

  /** IDLE: resolves once the server answered "+" (idling), with the function that ends it. */
  async startIdle(timeoutMs = 30_000): Promise<() => Promise<CommandResult>> {
    const done = this.command('IDLE', 24 * 3600_000);
    done.catch(() => undefined); // a connection that closes while idling is handled by whoever ends it
    await this.waitForLine((l) => l.startsWith('+'), timeoutMs, 'IDLE continuation');
    this.endIdle = async () => {
      this.endIdle = null;
      this.socket.write('DONE\r\n');
      return done;
    };
    return this.endIdle;
  }

  private endIdle: (() => Promise<CommandResult>) | null = null;

  /** Resolves when a response line (its first 200 characters) matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.lineWaiters = this.lineWaiters.filter((w) => w !== entry);
        reject(new Error(`${what}: not seen within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const entry = {
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.lineWaiters.push(entry);
    });
  }

  async logout(): Promise<void> {
    try {
      if (this.endIdle) await this.endIdle();
      if (!this.closed) await this.command('LOGOUT', 10_000);
    } catch {
      // closing anyway
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.waiter) this.waiter.result.bytes += chunk.length;
    let data = chunk;
    while (data.length > 0) {
      if (this.literalLeft > 0) {
        const skip = Math.min(this.literalLeft, data.length);
        this.literalLeft -= skip;
        data = data.subarray(skip);
        continue;
      }
      const lf = data.indexOf(0x0a);
      if (lf < 0) {
        this.chunks.push(data);
        this.buffered += data.length;
        if (this.buffered > 1_000_000) this.socket.destroy(new Error('a response line longer than 1 MB'));
        return;
      }
      const piece = data.subarray(0, lf + 1);
      data = data.subarray(lf + 1);
      const line = (this.buffered > 0 ? Buffer.concat([...this.chunks, piece]) : piece).toString('latin1');
      this.chunks.length = 0;
      this.buffered = 0;
      this.onLine(line.replace(/\r?\n$/, ''));
    }
  }

  private onLine(line: string): void {
    if (!this.continuing) this.head = line.slice(0, 200);
    const literal = /\{(\d+)\+?\}$/.exec(line);
    if (literal) {
      this.literalLeft = Number(literal[1]);
      this.continuing = true;
      return;
    }
    this.continuing = false;
    this.onResponse(this.head);
  }

  private onResponse(head: string): void {
    const w = this.waiter;
    if (w && head.startsWith(`${w.tag} `)) {
      clearTimeout(w.timer);
      this.waiter = null;
      w.result.status = head;
      w.resolve(w.result);
    } else if (head.startsWith('* ')) {
      if (w) {
        w.result.untagged++;
        if (w.result.lines.length < 100) w.result.lines.push(head);
        if (/^\* \d+ FETCH /.test(head)) w.result.fetches++;
      } else {
        this.untaggedOutside++;
      }
    }
    for (const waiter of this.lineWaiters.filter((x) => x.match(head))) {
      this.lineWaiters = this.lineWaiters.filter((x) => x !== waiter);
      waiter.resolve();
    }
  }
}

/** IMAP quoted string. */
export const quote = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
