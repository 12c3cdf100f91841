// The IMAP listener: plaintext with STARTTLS, one session per connection.
import type { AddressInfo } from 'node:net';
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { TlsMaterial } from '../net/tls-material.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { IDLE_POLL_INTERVAL_MS, MAX_CONNECTIONS } from './limits.ts';
import { MailboxWatcher } from './mailbox-watcher.ts';
import { ImapSession, type ImapStore } from './session.ts';
import { clientAddress, refusalFor } from '../net/admission.ts';
import { TcpListener } from '../net/tcp-listener.ts';

export interface ImapListenerDeps {
  config: Config;
  store: ImapStore;
  events: EventBus;
  sessions: SessionRegistry;
  tls: TlsMaterial;
  /** The service's bans, checked at connect and after a failed login. */
  bans?: BanList | undefined;
}

export class ImapListener {
  private readonly listener: TcpListener;

  constructor(deps: ImapListenerDeps) {
    const log = logger('imap');
    const watcher = new MailboxWatcher(deps.store, IDLE_POLL_INTERVAL_MS, log);
    this.listener = new TcpListener({
      createSession: (socket) => new ImapSession(socket, { ...deps, watcher, log }),
      refusal: '* BYE Too many connections, try again later\r\n',
      admit: (socket) => {
        const refusal = refusalFor(deps, clientAddress(socket));
        if (refusal === null) return null;
        // A banned client tends to keep knocking: its ban was logged once, each knock only at debug.
        log[refusal === 'banned' ? 'debug' : 'info']({ remote: socket.remoteAddress, refusal }, 'connection refused');
        return refusal === 'banned' ? '* BYE [UNAVAILABLE] Access from your address is blocked for a while\r\n' : '* BYE [UNAVAILABLE] Too many connections from your address\r\n';
      },
      maxConnections: MAX_CONNECTIONS,
      graceMs: deps.config['server.shutdown_grace_seconds'] * 1000,
      log,
    });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return this.listener.listen(port, host);
  }

  /** Stops accepting; idle sessions get BYE at once, busy ones after their command or the grace period. */
  close(): Promise<void> {
    return this.listener.close();
  }
}
