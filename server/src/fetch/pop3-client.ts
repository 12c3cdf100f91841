// A small POP3 client (RFC 1939, STLS from RFC 2595) for collecting mail from external accounts: USER/PASS,
// UIDL, LIST, RETR, DELE, QUIT. No npm client fitted (node-pop3, the maintained one, has no STLS, reads
// each socket chunk as a whole reply and returns messages as strings), so this one reads replies line by
// line with the socket reader IMAP and POP3 use, bounds every read, and gives up on a server that stays
// silent for timeoutMs. What we send is never logged or put in an error (PASS carries the password).
import net from 'node:net';
import tls from 'node:tls';
import { SocketReader } from '../net/socket-reader.ts';
import type { FetchSecurity } from '../store/fetch-account-store.ts';
import { parseListLine, parseStatus, parseUidlLine, printable, unstuff } from './pop3-wire.ts';

/** RFC 2449 section 4 allows 512 octets for a reply line; servers are lenient, so are we. */
const STATUS_LINE_MAX_BYTES = 8192;
/** Buffered ahead of what is being parsed before the socket is paused. */
const BUFFER_MAX_BYTES = 256 * 1024;
const CRLF = Buffer.from('\r\n');

export class Pop3ClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Pop3ClientError';
  }
}

export interface Pop3ClientOptions {
  host: string;
  port: number;
  security: FetchSecurity;
  verifyTls: boolean;
  /** Longest silence from the server (connecting included) before the connection is dropped. */
  timeoutMs: number;
  /** How the host name becomes an address (dns/connect-lookup.ts); the system's lookup when absent. */
  lookup?: net.LookupFunction;
}

type AnySocket = net.Socket | tls.TLSSocket;

export class Pop3Client {
  private reader: SocketReader;
  private timedOut = false;

  private constructor(
    private socket: AnySocket,
    private readonly options: Pop3ClientOptions,
  ) {
    this.reader = this.watch(socket);
  }

  /** Connects, reads the greeting and, for STLS, upgrades before anything else is said. */
  static async connect(options: Pop3ClientOptions): Promise<Pop3Client> {
    const tlsOptions = { rejectUnauthorized: options.verifyTls, ...(net.isIP(options.host) === 0 ? { servername: options.host } : {}) };
    const socket =
      options.security === 'tls'
        ? await open(tls.connect({ host: options.host, port: options.port, lookup: options.lookup, ...tlsOptions }), 'secureConnect', options.timeoutMs)
        : await open(net.connect({ host: options.host, port: options.port, lookup: options.lookup }), 'connect', options.timeoutMs);
    const client = new Pop3Client(socket, options);
    try {
      await client.status('greeting');
      if (options.security === 'starttls') {
        await client.command('STLS', 'STLS');
        client.reader.detach();
        client.socket = await open(tls.connect({ socket: socket as net.Socket, ...tlsOptions }), 'secureConnect', options.timeoutMs);
        client.reader = client.watch(client.socket);
      }
    } catch (err) {
      client.close();
      throw err;
    }
    return client;
  }

  /** The server's address as connected (for the Received header). */
  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  async login(user: string, password: string): Promise<void> {
    await this.command(`USER ${user}`, 'USER');
    await this.command(`PASS ${password}`, 'PASS');
  }

  /** Message number to unique id, for every message not marked deleted. */
  async uidl(): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const line of await this.listing('UIDL')) {
      const parsed = parseUidlLine(line);
      if (!parsed) throw new Pop3ClientError(`malformed UIDL line from the server: ${printable(line, 80)}`);
      out.set(parsed.n, parsed.uid);
    }
    return out;
  }

  /** Message number to size in octets. */
  async list(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const line of await this.listing('LIST')) {
      const parsed = parseListLine(line);
      if (parsed) out.set(parsed.n, parsed.size);
    }
    return out;
  }

  /** The message with byte-stuffing removed and CRLF line ends; refused beyond maxBytes. */
  async retr(n: number, maxBytes: number): Promise<Buffer> {
    await this.command(`RETR ${n}`, 'RETR');
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const line = await this.line(Math.max(1, maxBytes - size));
      const content = unstuff(line);
      if (content === null) return Buffer.concat(parts);
      size += content.length + 2;
      if (size > maxBytes) throw new Pop3ClientError(`message ${n} is larger than ${maxBytes} octets`);
      parts.push(content, CRLF);
    }
  }

  async dele(n: number): Promise<void> {
    await this.command(`DELE ${n}`, 'DELE');
  }

  /** Ends the session; the server applies DELEs only now (the UPDATE state). */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT', 'QUIT');
    } finally {
      this.close();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private watch(socket: AnySocket): SocketReader {
    // An error here also closes the socket, which the reader reports as the end of input.
    socket.on('error', () => undefined);
    socket.setTimeout(this.options.timeoutMs, () => {
      this.timedOut = true;
      socket.destroy();
    });
    return new SocketReader(socket, BUFFER_MAX_BYTES);
  }

  /** Sends a command and reads its status line; -ERR becomes an error naming the command, not its arguments. */
  private async command(line: string, name: string): Promise<string> {
    if (/[\r\n]/.test(line)) throw new Pop3ClientError(`${name}: argument contains a line break`);
    this.socket.write(`${line}\r\n`);
    return this.status(name);
  }

  private async status(what: string): Promise<string> {
    const status = parseStatus(await this.line(STATUS_LINE_MAX_BYTES));
    if (!status) throw new Pop3ClientError(`${what}: the server did not answer like a POP3 server`);
    if (!status.ok) throw new Pop3ClientError(`${what} refused by the server: ${status.text || '-ERR'}`);
    return status.text;
  }

  private async listing(command: string): Promise<string[]> {
    await this.command(command, command);
    const lines: string[] = [];
    for (;;) {
      const content = unstuff(await this.line(STATUS_LINE_MAX_BYTES));
      if (content === null) return lines;
      lines.push(content.toString('latin1'));
    }
  }

  private async line(maxBytes: number): Promise<Buffer> {
    const r = await this.reader.readLine(maxBytes);
    if (r.kind === 'line') return r.line;
    if (r.kind === 'overflow') throw new Pop3ClientError(`the server sent a line longer than ${maxBytes} octets`);
    throw new Pop3ClientError(this.timedOut ? `no answer from the server within ${this.options.timeoutMs / 1000} s` : 'the server closed the connection');
  }
}

/** Waits for a socket to be connected (or the TLS handshake done), with the same timeout as replies. */
function open<S extends AnySocket>(socket: S, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<S> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Pop3ClientError(`could not connect within ${timeoutMs / 1000} s`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err instanceof Pop3ClientError ? err : new Pop3ClientError(`connection failed: ${err.message}`));
    };
    socket.once('error', fail);
    socket.once(event, () => {
      clearTimeout(timer);
      socket.off('error', fail);
      resolve(socket);
    });
  });
}
