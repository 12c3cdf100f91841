// A listener for a line protocol of ours (IMAP, POP3): the TCP listener with its connection cap and stop
// sequence (tcp-listener.ts), plus admission at connect (admission.ts: bans, sessions per address), each
// refusal answered in the protocol's own words and logged once per kind. What differs between IMAP and
// POP3 is only the session class and those words. With `tls` set, the listener is the protocol's implicit
// TLS one (IMAPS, POP3S): the same sessions, on a connection encrypted from its first byte.
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Log as Logger } from '../telemetry/log.ts';
import { clientAddress, refusalFor, type AdmissionDeps, type Refusal } from './admission.ts';
import type { ServerCertificate } from './server-certificate.ts';
import { TcpListener, type ListenerSession } from './tcp-listener.ts';
import { countTlsHandshake } from '../telemetry/tls-handshakes.ts';

export interface ProtocolListenerOptions extends AdmissionDeps {
  protocol: 'imap' | 'pop3';
  createSession(socket: net.Socket): ListenerSession;
  /** The protocol's lines for a client turned away: over the listener's cap, or refused by admission. */
  refusals: { tooManyConnections: string } & Record<Refusal, string>;
  maxConnections: number;
  log: Logger;
  /** Implicit TLS (RFC 8314): the handshake before the greeting, with this certificate. */
  tls?: ServerCertificate | undefined;
}

export class ProtocolListener {
  private readonly listener: TcpListener;

  constructor(options: ProtocolListenerOptions) {
    const { log } = options;
    this.listener = new TcpListener({
      createSession: options.createSession,
      refusal: options.refusals.tooManyConnections,
      onFull: () => options.events?.emit('limit.hit', { protocol: options.protocol, limit: 'listener_full' }),
      admit: (socket) => {
        const refusal = refusalFor(options, options.protocol, clientAddress(socket));
        if (refusal === null) return null;
        // A banned client tends to keep knocking: its ban was logged once, each knock only at debug.
        log[refusal === 'banned' ? 'debug' : 'info']({ remote: socket.remoteAddress, refusal }, 'connection refused');
        return options.refusals[refusal];
      },
      maxConnections: options.maxConnections,
      graceMs: options.config['server.shutdown_grace_seconds'] * 1000,
      log,
      tls: options.tls,
      onHandshake: (version, ok) => countTlsHandshake(options.protocol === 'imap' ? 'imaps' : 'pop3s', version, ok),
      // A handshake not yet finished is a session not yet logged in: the same limit per address.
      maxHandshakesPerAddress: options.config['limits.max_unauthenticated_per_ip'],
      onHandshakeLimit: (address) => {
        options.events?.emit('limit.hit', { protocol: options.protocol, limit: 'unauthenticated_per_ip' });
        log.debug({ remote: address }, 'connection refused: too many TLS handshakes in progress from the address');
      },
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return this.listener.listen(port, host);
  }

  /** Stops accepting; idle sessions end at once, busy ones after their command or the grace period. */
  close(): Promise<void> {
    return this.listener.close();
  }
}
