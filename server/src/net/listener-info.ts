// What a bound listener is, as the admin API and the logs report it.
import type { ListenerName, Protocol } from '../telemetry/events.ts';

export interface ListenerInfo {
  /** smtp, submission, pop3, imap, or an implicit TLS listener: submissions, pop3s, imaps. */
  name: ListenerName;
  protocol: Protocol;
  address: string;
  port: number;
  /** starttls: plaintext until the client asks for STARTTLS (STLS); implicit: TLS from the first byte (RFC 8314). */
  tls: 'starttls' | 'implicit' | 'none';
}
