// The IMAP listener: plaintext with STARTTLS, one session per connection, on net/'s protocol listener.
import type { Authenticator } from '../auth/authenticator.ts';
import type { Config } from '../config/settings.ts';
import { ProtocolListener } from '../net/protocol-listener.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { ServerCertificate } from '../net/server-certificate.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { IDLE_POLL_INTERVAL_MS } from './limits.ts';
import { MailboxViews } from './mailbox-views.ts';
import { MailboxWatcher } from './mailbox-watcher.ts';
import { ImapSession, type ImapStore } from './session.ts';

export interface ImapListenerDeps {
  config: Config;
  store: ImapStore;
  sessions: SessionRegistry;
  tls: ServerCertificate;
  /** Logins, failed-login handling and bans (checked at connect and after a failed login). */
  auth: Authenticator;
  events: EventBus;
  /** The node's shared mailbox views, one for the IMAP and IMAPS listeners together; each makes its own without. */
  views?: MailboxViews;
}

export class ImapListener extends ProtocolListener {
  /** implicitTls: the IMAP over TLS listener (RFC 8314), encrypted from the first byte; otherwise plaintext with STARTTLS. */
  constructor(deps: ImapListenerDeps, implicitTls = false) {
    const log = logger('imap');
    const views = deps.views ?? new MailboxViews(deps.store, new MailboxWatcher(deps.store, IDLE_POLL_INTERVAL_MS, log));
    super({
      ...deps,
      protocol: 'imap',
      gate: deps.auth,
      createSession: (socket) => new ImapSession(socket, { ...deps, views, log }),
      refusals: {
        tooManyConnections: '* BYE Too many connections, try again later\r\n',
        banned: '* BYE [UNAVAILABLE] Access from your address is blocked for a while\r\n',
        too_many_sessions: '* BYE [UNAVAILABLE] Too many connections from your address\r\n',
        too_many_unauthenticated: '* BYE [UNAVAILABLE] Too many connections from your address that have not logged in\r\n',
      },
      maxConnections: deps.config['limits.max_connections_per_listener'],
      log,
      tls: implicitTls ? deps.tls : undefined,
    });
  }
}
