// The IMAP listener: plaintext with STARTTLS, one session per connection.
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/settings.ts';
import type { SessionRegistry } from '../service/session-registry.ts';
import type { TlsMaterial } from '../smtp/tls.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { IDLE_POLL_INTERVAL_MS, MAX_CONNECTIONS } from './limits.ts';
import { MailboxWatcher } from './mailbox-watcher.ts';
import { ImapSession, type ImapStore } from './session.ts';
import { TcpListener } from './shared/tcp-listener.ts';

export interface ImapListenerDeps {
  config: Config;
  store: ImapStore;
  events: EventBus;
  sessions: SessionRegistry;
  tls: TlsMaterial;
}

export class ImapListener {
  private readonly listener: TcpListener;

  constructor(deps: ImapListenerDeps) {
    const log = logger('imap');
    const watcher = new MailboxWatcher(deps.store, IDLE_POLL_INTERVAL_MS, log);
    this.listener = new TcpListener({
      createSession: (socket) => new ImapSession(socket, { ...deps, watcher, log }),
      refusal: '* BYE Too many connections, try again later\r\n',
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
