// The POP3 listener: plaintext with STLS, one session per connection, one session per maildrop, on
// net/'s protocol listener.
import type { Authenticator } from '../auth/authenticator.ts';
import type { Config } from '../config/settings.ts';
import { ProtocolListener } from '../net/protocol-listener.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { ServerCertificate } from '../net/server-certificate.ts';
import type { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { MaildropLocks } from './maildrop-lock.ts';
import { Pop3Session, type Pop3Store } from './session.ts';

export interface Pop3ListenerDeps {
  config: Config;
  store: Pop3Store;
  sessions: SessionRegistry;
  tls: ServerCertificate;
  /** Logins, failed-login handling and bans (checked at connect and after a failed login). */
  auth: Authenticator;
  events: EventBus;
}

export class Pop3Listener extends ProtocolListener {
  /** implicitTls: the POP3 over TLS listener (RFC 8314), encrypted from the first byte; otherwise plaintext with STARTTLS. */
  constructor(deps: Pop3ListenerDeps, implicitTls = false) {
    const log = logger('pop3');
    const locks = new MaildropLocks();
    super({
      ...deps,
      protocol: 'pop3',
      gate: deps.auth,
      createSession: (socket) => new Pop3Session(socket, { ...deps, locks, log }),
      refusals: {
        tooManyConnections: '-ERR [SYS/TEMP] Too many connections, try again later\r\n',
        banned: '-ERR [SYS/TEMP] Access from your address is blocked for a while\r\n',
        too_many_sessions: '-ERR [SYS/TEMP] Too many connections from your address\r\n',
        too_many_unauthenticated: '-ERR [SYS/TEMP] Too many connections from your address that have not logged in\r\n',
      },
      maxConnections: deps.config['limits.max_connections_per_listener'],
      log,
      tls: implicitTls ? deps.tls : undefined,
    });
  }
}
