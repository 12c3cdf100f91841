// A TCP listener for a line protocol: one session object per connection, a connection cap, and the
// stop sequence every Mailroom listener follows: stop accepting, ask each session to end at its next
// command boundary, and after the grace period close whatever is left. Shared by IMAP and POP3.
//
// With `tls` set it is an implicit TLS listener (RFC 8314: IMAPS, POP3S): the connection cap and
// admission decide on the plain connection, before any handshake; a refused client then hears its
// refusal over TLS (plaintext would be garbage to its client) within REFUSAL_LINGER_MS, and an admitted
// one gets its session on the encrypted socket. Handshakes in progress count toward the cap, and at most
// `maxHandshakesPerAddress` from one address: sessions are counted per address only once they exist, so
// without it one address could fill the listener with handshakes it never finishes (each lasts up to 30 s).
// One over that is closed without a word or a handshake.
import net, { type AddressInfo } from 'node:net';
import type { Log as Logger } from '../telemetry/log.ts';
import { clientAddress } from './admission.ts';
import type { ServerCertificate } from './server-certificate.ts';
import { upgradeToTls } from './starttls.ts';

/** How long a refused connection may take to read its one line before it is cut. */
const REFUSAL_LINGER_MS = 5_000;
export interface ListenerSession {
  /** Serves the connection; resolves once it is closed, never rejects. */
  run(): Promise<void>;
  /** The server is stopping: say goodbye at once if idle, otherwise after the command in progress. */
  shutdown(): void;
  /** The grace period is over: close now. */
  destroy(): void;
}

export interface TcpListenerOptions {
  createSession(socket: net.Socket): ListenerSession;
  /** Tells a client over the connection cap why it is turned away, before it is closed. */
  refusal: string;
  /** Called for each client turned away by the cap (counted as a limit hit). */
  onFull?: () => void;
  /**
   * Looks at a new connection before a session exists (bans, sessions per address): a line to send
   * before closing it, or null to serve it.
   */
  admit?(socket: net.Socket): string | null;
  maxConnections: number;
  graceMs: number;
  log: Logger;
  /** Implicit TLS: the handshake comes first, with this certificate. */
  tls?: ServerCertificate | undefined;
  /** Implicit TLS: handshakes in progress from one address (default: unlimited). */
  maxHandshakesPerAddress?: number;
  /** Implicit TLS: told of each handshake, with the negotiated version (null when it failed). */
  onHandshake?: (version: string | null, ok: boolean) => void;
  /** Called for each connection closed because its address has maxHandshakesPerAddress in progress. */
  onHandshakeLimit?: (remoteAddress: string) => void;
}

export class TcpListener {
  private readonly server: net.Server;
  private readonly running = new Map<ListenerSession, Promise<void>>();
  /** Implicit TLS connections admitted and still in their handshake: counted toward the cap, closed by close(). */
  private readonly handshaking = new Set<net.Socket>();
  private readonly handshakesFrom = new Map<string, number>();

  constructor(private readonly options: TcpListenerOptions) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.on('error', (err) => options.log.warn({ err: err.message }, 'listener error'));
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.handshaking) socket.destroy();
    for (const session of this.running.keys()) session.shutdown();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.graceMs)));
    await Promise.race([Promise.allSettled([...this.running.values()]), grace]);
    clearTimeout(timer);
    for (const session of this.running.keys()) session.destroy();
    await Promise.allSettled([...this.running.values()]);
    await closed;
  }

  private accept(socket: net.Socket): void {
    // Without a listener, a reset from the client would be an uncaught 'error' and end the process.
    socket.on('error', (err) => this.options.log.debug({ err: err.message }, 'connection error'));
    // Replies are many small writes; waiting for ACKs between them (Nagle) adds tens of ms each.
    socket.setNoDelay(true);
    let refusal: string | null = null;
    if (this.running.size + this.handshaking.size >= this.options.maxConnections) {
      this.options.onFull?.();
      refusal = this.options.refusal;
    } else {
      refusal = this.options.admit?.(socket) ?? null;
    }
    if (refusal !== null) {
      this.refuse(socket, refusal);
      return;
    }
    const certificate = this.options.tls;
    if (!certificate) {
      this.startSession(socket);
      return;
    }
    const address = clientAddress(socket);
    const inProgress = this.handshakesFrom.get(address) ?? 0;
    if (inProgress >= (this.options.maxHandshakesPerAddress ?? Infinity)) {
      this.options.onHandshakeLimit?.(address);
      socket.destroy();
      return;
    }
    this.handshaking.add(socket);
    this.handshakesFrom.set(address, inProgress + 1);
    const finished = () => {
      this.handshaking.delete(socket);
      const left = (this.handshakesFrom.get(address) ?? 1) - 1;
      if (left > 0) this.handshakesFrom.set(address, left);
      else this.handshakesFrom.delete(address);
    };
    upgradeToTls(socket, certificate).then(
      (secure) => {
        finished();
        this.options.onHandshake?.(secure.getProtocol(), true);
        secure.on('error', (err) => this.options.log.debug({ err: err.message }, 'TLS connection error'));
        this.startSession(secure);
      },
      (err: Error) => {
        finished();
        this.options.onHandshake?.(null, false);
        this.options.log.debug({ remote: address, err: err.message }, 'TLS handshake failed');
      },
    );
  }

  private startSession(socket: net.Socket): void {
    const session = this.options.createSession(socket);
    const done = session.run().finally(() => this.running.delete(session));
    this.running.set(session, done);
  }

  /** Sends the refusal (over TLS on an implicit TLS listener) and closes; a client that never reads is cut after REFUSAL_LINGER_MS. */
  private refuse(socket: net.Socket, refusal: string): void {
    // end() waits for the client to read; one that never does must not keep the socket.
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
    if (!this.options.tls) {
      socket.end(refusal);
      return;
    }
    upgradeToTls(socket, this.options.tls).then(
      (secure) => {
        secure.on('error', () => socket.destroy());
        secure.end(refusal);
      },
      () => undefined,
    );
  }
}
