// Upgrades a plaintext connection in place with the server's certificate: IMAP STARTTLS, POP3 STLS, and
// the handshake right after connect on the implicit TLS listeners (IMAPS, POP3S).
import type net from 'node:net';
import tls from 'node:tls';
import type { ServerCertificate } from './server-certificate.ts';

const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Resolves with the TLS socket once the handshake is done; rejects (and destroys both) if it fails. */
export function upgradeToTls(socket: net.Socket, certificate: ServerCertificate): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: certificate.context() });
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      // Whatever the dying socket still reports must not become an uncaught error.
      secure.on('error', () => undefined);
      clearTimeout(timer);
      secure.destroy();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('TLS handshake timed out')), HANDSHAKE_TIMEOUT_MS);
    timer.unref();
    // A client that hangs up mid-handshake raises no error, only a close.
    const closed = () => fail(new Error('connection closed during the TLS handshake'));
    secure.once('error', fail);
    secure.once('_tlsError', fail);
    secure.once('close', closed);
    // once(): a TLS 1.2 renegotiation emits 'secure' again and must not restart the session.
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.off('error', fail);
      secure.off('_tlsError', fail);
      secure.off('close', closed);
      resolve(secure);
    });
  });
}
