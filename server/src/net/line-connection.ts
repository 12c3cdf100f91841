// One client connection of a line protocol (IMAP, POP3), as a session uses it: reading lines and literals
// (socket-reader.ts), writing with the socket's back-pressure, the idle timer that any received byte
// restarts, the STARTTLS upgrade that swaps the socket under the session, and closing with a last line.
// The sessions keep only their protocol: states, commands and replies.
import type net from 'node:net';
import tls from 'node:tls';
import type { Config } from '../config/settings.ts';
import type { EventBus, Protocol } from '../telemetry/events.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { clientAddress } from './admission.ts';
import { OutputWriter } from './output-writer.ts';
import { SocketReader } from './socket-reader.ts';
import { upgradeToTls } from './starttls.ts';
import { countTlsHandshake } from '../telemetry/tls-handshakes.ts';
import type { ServerCertificate } from './server-certificate.ts';

/** How long a client that never reads its last line may keep the connection after close(). */
const CLOSE_LINGER_MS = 5_000;

export interface LineConnectionOptions {
  /** Received input held unread before the socket is paused. */
  inputBufferMaxBytes: number;
  idleTimeoutMs: number;
  /** The line sent to a client idle for idleTimeoutMs, before the connection is closed. */
  idleGoodbye: string;
  /** The client must log in within this long of connecting (authenticated() stops the clock). */
  preauthTimeoutMs: number;
  /** A line must arrive whole within this long of its first byte. */
  lineTimeoutMs: number;
  /** A limit of this connection bit: it is being closed. */
  onLimit: (limit: 'preauth_timeout' | 'line_timeout') => void;
  /**
   * Response bytes the session may have waiting in its socket (net.Socket's writableLength,
   * limits.max_output_buffer_bytes): responses go out in chunks of this minus the socket's high-water mark,
   * each only once the socket has drained. Together with the one message a FETCH or RETR holds while
   * sending it, this bounds a client that does not read.
   */
  outputBufferMaxBytes: number;
  /** How long the socket may stay backed up (the client reads nothing) before the client is given up on. */
  writeTimeoutMs: number;
  /** The client stopped reading for writeTimeoutMs: called once, then the connection is closed. */
  onNotReading: (bufferedBytes: number) => void;
  /** Told of each STARTTLS handshake, with the negotiated version (null when it failed). */
  onTlsHandshake?: (version: string | null, ok: boolean) => void;
  log: Logger;
}

/** What a session of a line protocol knows; the limits come from the limits.* settings. */
export interface LineSessionOptions {
  protocol: Protocol;
  sessionId: string;
  config: Config;
  events: EventBus;
  log: Logger;
  inputBufferMaxBytes: number;
  idleTimeoutMs: number;
  idleGoodbye: string;
}

/** A connection with the limits.* settings applied, reporting each limit that bites as an event. */
export function openLineConnection(socket: net.Socket, o: LineSessionOptions): LineConnection {
  return new LineConnection(socket, {
    inputBufferMaxBytes: o.inputBufferMaxBytes,
    idleTimeoutMs: o.idleTimeoutMs,
    idleGoodbye: o.idleGoodbye,
    preauthTimeoutMs: o.config['limits.preauth_timeout_seconds'] * 1000,
    lineTimeoutMs: o.config['limits.line_timeout_seconds'] * 1000,
    onLimit: (limit) => o.events.emit('limit.hit', { protocol: o.protocol, limit }),
    outputBufferMaxBytes: o.config['limits.max_output_buffer_bytes'],
    writeTimeoutMs: o.config['limits.write_timeout_seconds'] * 1000,
    onNotReading: () => o.events.emit('session.not_reading', { protocol: o.protocol, id: o.sessionId }),
    onTlsHandshake: (version, ok) => countTlsHandshake(o.protocol, version, ok),
    log: o.log,
  });
}

export class LineConnection {
  readonly remoteAddress: string;
  private socket: net.Socket | tls.TLSSocket;
  private socketReader: SocketReader;
  private readonly output: OutputWriter;
  private idleTimer: NodeJS.Timeout | null = null;
  private preauthTimer: NodeJS.Timeout | null = null;
  private isSecure = false;
  private isEnded = false;

  constructor(
    socket: net.Socket,
    private readonly options: LineConnectionOptions,
  ) {
    this.socket = socket;
    // An implicit TLS listener hands over a socket whose handshake is done.
    this.isSecure = socket instanceof tls.TLSSocket;
    this.remoteAddress = clientAddress(socket);
    this.socketReader = new SocketReader(socket, options.inputBufferMaxBytes, () => this.received());
    socket.on('close', () => this.markEnded());
    this.preauthTimer = setTimeout(() => this.limitBit('preauth_timeout', 'no login in time'), options.preauthTimeoutMs);
    this.preauthTimer.unref();
    this.output = new OutputWriter(() => this.socket, {
      capBytes: options.outputBufferMaxBytes,
      timeoutMs: options.writeTimeoutMs,
      onTimeout: (buffered) => {
        this.options.log.warn({ remote: this.remoteAddress, buffered }, 'closed: the client stopped reading');
        options.onNotReading(buffered);
        this.close();
      },
    });
    this.touch();
  }

  /** The connection is closed or closing: nothing more will be read or written. */
  get ended(): boolean {
    return this.isEnded;
  }

  /** Whether TLS protects the connection (implicit TLS, or after STARTTLS / STLS). */
  get secure(): boolean {
    return this.isSecure;
  }

  /** The current reader; a new one after STARTTLS, so callers ask each time instead of keeping it. */
  get reader(): SocketReader {
    return this.socketReader;
  }

  /**
   * Resolves once the socket has taken the data, with back-pressure and the output cap (output-writer.ts);
   * pieces go out in order without being joined first, and writes never interleave.
   */
  async write(data: string | Buffer | readonly Buffer[]): Promise<void> {
    if (this.isEnded) return;
    await this.output.write(data);
  }

  /** A line as latin1 text without its ending; null when the client went away or overflowed it. */
  async readLine(maxBytes: number): Promise<string | null> {
    const r = await this.socketReader.readLine(maxBytes);
    return r.kind === 'line' ? r.line.toString('latin1') : null;
  }

  /** Upgrades in place. Input buffered before the handshake is dropped (RFC 3207, 2595: a TLS session starts clean). */
  async startTls(certificate: ServerCertificate): Promise<void> {
    this.socketReader.detach();
    this.stopIdleTimer();
    let secure: tls.TLSSocket;
    try {
      secure = await upgradeToTls(this.socket as net.Socket, certificate);
    } catch (err) {
      this.options.onTlsHandshake?.(null, false);
      throw err;
    }
    this.options.onTlsHandshake?.(secure.getProtocol(), true);
    this.socket = secure;
    this.isSecure = true;
    secure.on('error', (err) => this.options.log.debug({ err: err.message }, 'TLS connection error'));
    secure.on('close', () => this.markEnded());
    this.socketReader = new SocketReader(secure, this.options.inputBufferMaxBytes, () => this.received());
    this.touch();
  }

  /** The client logged in: the pre-authentication deadline no longer applies. */
  authenticated(): void {
    if (this.preauthTimer) clearTimeout(this.preauthTimer);
    this.preauthTimer = null;
  }

  /** Sends a last line (if any) and closes the connection. */
  close(last?: string): void {
    if (this.isEnded) return;
    this.markEnded();
    if (last) this.socket.end(last);
    else this.socket.destroy();
    // A client that never reads its last line must not hold the connection open.
    setTimeout(() => this.socket.destroy(), CLOSE_LINGER_MS).unref();
  }

  private markEnded(): void {
    this.isEnded = true;
    this.stopIdleTimer();
    this.authenticated();
  }

  /** Input arrived: the client is not idle, but a line it takes too long to finish is a trickle. */
  private received(): void {
    this.touch();
    if (this.socketReader.partialLineAgeMs > this.options.lineTimeoutMs) this.limitBit('line_timeout', 'line not finished in time');
  }

  private limitBit(limit: 'preauth_timeout' | 'line_timeout', why: string): void {
    if (this.isEnded) return;
    this.options.log.info({ remote: this.remoteAddress, limit }, `closed: ${why}`);
    this.options.onLimit(limit);
    this.close(this.options.idleGoodbye);
  }

  private touch(): void {
    this.stopIdleTimer();
    if (this.isEnded) return;
    this.idleTimer = setTimeout(() => {
      this.options.log.info('idle timeout');
      this.close(this.options.idleGoodbye);
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private stopIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
