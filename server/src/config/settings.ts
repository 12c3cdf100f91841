// The settings catalogue: every key Mailroom understands, its default, its meaning and its
// environment variable (MAILROOM_ + the key in upper case with dots as underscores).
// docs/configuration.md is checked against this list by a test, so the two cannot drift.
import os from 'node:os';
import { z } from 'zod';
import * as k from './kinds.ts';
import { parseCidrList, parseHostPort } from './validators.ts';

interface Setting<S extends z.ZodType> {
  schema: S;
  default: z.input<S> | undefined;
  doc: string;
}
const setting = <S extends z.ZodType>(schema: S, def: z.input<S> | undefined, doc: string): Setting<S> => ({
  schema,
  default: def,
  doc,
});

export const SETTINGS = {
  hostname: setting(k.text, os.hostname(), 'Host name used in the SMTP greeting, Received headers and bounces; should be a fully qualified name.'),
  data_dir: setting(k.text, './data', 'Directory for the embedded database, the generated TLS certificate and other state.'),
  bind: setting(k.text, '127.0.0.1', 'Address every listener binds to. Loopback by default; use 0.0.0.0 or :: to serve the network.'),
  'database.url': setting(k.optionalText, undefined, 'Database URL. Unset: an SQLite file `mailroom.db` in data_dir. `sqlite:/path/file.db` for another SQLite file.'),
  'smtp.port': setting(k.port, 2525, 'MX listener (port 25 in production): accepts mail for local domains, relays only for authenticated clients and trusted networks. `off` disables it.'),
  'submission.port': setting(k.port, 2587, 'Submission listener (port 587 in production): AUTH required, only after STARTTLS unless the client is on loopback. `off` disables it.'),
  'pop3.port': setting(k.port, 2110, 'POP3 listener. `off` disables it.'),
  'imap.port': setting(k.port, 2143, 'IMAP listener. `off` disables it.'),
  'admin.port': setting(k.port, 9425, 'Admin API, health checks and Prometheus metrics. Part of the service: it stays up while the server is stopped.'),
  'admin.token': setting(k.optionalText, undefined, 'Admin API bearer token with the admin role. Never logged.'),
  relay: setting(
    z.preprocess((v) => (v === '' ? undefined : v), z.string().optional().refine((v) => v === undefined || parseHostPort(v) !== null, "expected 'host:port'")),
    undefined,
    'Smarthost `host:port` for all remote mail. Unset: deliver directly to the recipient domain\'s MX hosts.',
  ),
  trusted_networks: setting(
    k.list.refine((v) => parseCidrList(v) !== null, 'expected a list of CIDR ranges such as 10.0.0.0/8 or ::1/128'),
    [],
    'CIDR ranges whose clients may relay through the MX listener without authentication. Default none.',
  ),
  'tls.cert_file': setting(k.optionalText, undefined, 'PEM certificate (chain) for STARTTLS. Unset: a self-signed certificate is generated in data_dir at first start.'),
  'tls.key_file': setting(k.optionalText, undefined, 'PEM private key for tls.cert_file.'),
  'smtp.max_message_size_bytes': setting(k.positiveInt, 26_214_400, 'Largest message accepted (advertised with SIZE); larger ones get 552 5.3.4.'),
  'smtp.max_recipients': setting(k.positiveInt, 100, 'Recipients per message; more get 452 4.5.3.'),
  'smtp.greeting_delay_ms': setting(k.nonNegativeInt, 100, 'Wait before the greeting on the MX listener; clients that talk before it are refused (an early-talker check against spam bots). Submission and trusted networks are never delayed.'),
  'smtp.reverse_dns': setting(k.bool, false, 'Look up the client\'s PTR name for the Received header.'),
  'smtp.idle_timeout_seconds': setting(k.positiveInt, 300, 'Close an SMTP session that says nothing for this long (RFC 5321 suggests 5 minutes).'),
  'smtp.max_clients': setting(k.positiveInt, 1000, 'Concurrent SMTP sessions per listener; more get 421.'),
  'delivery.concurrency': setting(k.positiveInt, 16, 'Deliveries in progress at once (local and remote).'),
  'delivery.connections_per_domain': setting(k.positiveInt, 4, 'Outbound SMTP connections at once to one destination domain.'),
  'delivery.retry_schedule_seconds': setting(k.secondsList, [60, 300, 900, 1800, 3600, 7200, 14400], 'Delay before each retry after a temporary failure; the last delay repeats until the expiry.'),
  'delivery.expiry_seconds': setting(k.positiveInt, 432_000, 'Give up and bounce a message that could not be delivered for this long (default 5 days).'),
  'delivery.connect_timeout_seconds': setting(k.positiveInt, 30, 'Outbound SMTP connection timeout.'),
  'delivery.smtp_timeout_seconds': setting(k.positiveInt, 300, 'Outbound SMTP timeout for a reply to a command or to the end of data.'),
  'delivery.poll_interval_ms': setting(k.positiveInt, 1000, 'How often idle workers look for due messages (they also wake at once on new mail and on send-now).'),
  'server.shutdown_grace_seconds': setting(k.nonNegativeInt, 10, 'How long a server stop waits for sessions and deliveries in progress before closing them.'),
  'server.autostart': setting(k.bool, true, 'Start the server (listeners and delivery) when the service starts. Off: only the admin port comes up.'),
  'log.level': setting(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), 'info', 'Lowest level written to stdout.'),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Config = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

export const envName = (key: string): string => `MAILROOM_${key.replace(/\./g, '_').toUpperCase()}`;
