// The POP3 listener: plaintext with STLS, one session per connection, one session per maildrop.
import type { AddressInfo } from 'node:net';
import type { BanList } from '../bans/ban-list.ts';
import type { Config } from '../config/settings.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { TlsMaterial } from '../net/tls-material.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { clientAddress, refusalFor } from '../net/admission.ts';
import { TcpListener } from '../net/tcp-listener.ts';
import { MAX_CONNECTIONS } from './limits.ts';
import { MaildropLocks } from './maildrop-lock.ts';
import { Pop3Session, type Pop3Store } from './session.ts';

export interface Pop3ListenerDeps {
  config: Config;
  store: Pop3Store;
  events: EventBus;
  sessions: SessionRegistry;
  tls: TlsMaterial;
  /** The service's bans, checked at connect and after a failed login. */
  bans?: BanList | undefined;
}

export class Pop3Listener {
  private readonly listener: TcpListener;

  constructor(deps: Pop3ListenerDeps) {
    const log = logger('pop3');
    const locks = new MaildropLocks();
    this.listener = new TcpListener({
      createSession: (socket) => new Pop3Session(socket, { ...deps, locks, log }),
      refusal: '-ERR [SYS/TEMP] Too many connections, try again later\r\n',
      admit: (socket) => {
        const refusal = refusalFor(deps, clientAddress(socket));
        if (refusal === null) return null;
        // A banned client tends to keep knocking: its ban was logged once, each knock only at debug.
        log[refusal === 'banned' ? 'debug' : 'info']({ remote: socket.remoteAddress, refusal }, 'connection refused');
        return refusal === 'banned' ? '-ERR [SYS/TEMP] Access from your address is blocked for a while\r\n' : '-ERR [SYS/TEMP] Too many connections from your address\r\n';
      },
      maxConnections: MAX_CONNECTIONS,
      graceMs: deps.config['server.shutdown_grace_seconds'] * 1000,
      log,
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
