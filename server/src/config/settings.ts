// The settings catalogue: every key Mailroom understands, its default, its meaning and its
// environment variable (MAILROOM_ + the key in upper case with dots as underscores).
// docs/configuration.md is checked against this list by a test, so the two cannot drift.
import os from 'node:os';
import { z } from 'zod';
import * as k from './kinds.ts';
import { isHostName, parseDnsServer, parseHostPort } from './validators.ts';

interface Setting<S extends z.ZodType> {
  schema: S;
  default: z.input<S> | undefined;
  doc: string;
  /** How the documentation shows the default when it depends on the machine. */
  defaultDoc?: string;
  /** Never echoed in error messages. */
  secret?: boolean;
  /** A second environment variable for the key, where an issue or a peer's convention named one (the regular one wins). */
  envAlias?: string;
}
interface Extra {
  defaultDoc?: string;
  secret?: boolean;
  envAlias?: string;
}
const setting = <S extends z.ZodType>(schema: S, def: z.input<S> | undefined, doc: string, extra: Extra = {}): Setting<S> => ({
  schema,
  default: def,
  doc,
  ...extra,
});

// Scanner settings' own kinds: spam scores are decimals (SpamAssassin's 5.0), and the daemon addresses have
// the shapes scan/endpoint.ts parses (config must not import it, so the check is repeated loosely here).
const envNumber = (v: unknown) => (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v);
const spamScore = z.preprocess(envNumber, z.number({ error: 'expected a score such as 5 or 6.5' }).positive('expected a score above 0'));
const spamScoreOrOff = z.preprocess((v) => (v === 'off' || v === false ? null : envNumber(v)), z.union([z.null(), z.number().positive()], { error: "expected a score such as 20, or 'off'" }));
const subjectPrefix = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .regex(/^[\x20-\x7e]+$/, 'expected printable ASCII on one line, such as [SPAM]')
    .optional(),
);
const hostPortOrSocket = (v: string): boolean => v.startsWith('/') || parseHostPort(v) !== null || isHostName(v);
const clamdAddress = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .refine(
      (v) => v.startsWith('/') || /^unix:(\/\/)?\/./.test(v) || (v.startsWith('tcp://') && hostPortOrSocket(v.slice(6).replace(/\/$/, ''))),
      'expected tcp://host:port, unix:/path or an absolute socket path',
    )
    .optional(),
);
const spamdAddress = z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(hostPortOrSocket, "expected 'host:port' such as 127.0.0.1:783, or an absolute socket path").optional());

// DNS servers: IP addresses only (with an optional port), as Node's resolver takes them; dns/servers.ts
// reads the same shape, and a bad entry is named with the reason.
const dnsServers = k.list.superRefine((values, ctx) => {
  for (const v of values) if (parseDnsServer(v) === null) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a DNS server address such as 192.0.2.53, 127.0.0.1:5353 or [::1]:53` });
});

export const SETTINGS = {
  hostname: setting(k.hostName, os.hostname(), 'Host name used in the SMTP greeting, Received headers and bounces; should be a fully qualified name.', { defaultDoc: "this machine's host name" }),
  data_dir: setting(k.text, './data', 'Directory for the embedded database, the generated TLS certificate and other state.'),
  bind: setting(k.bindAddress, '127.0.0.1', 'Address every listener binds to. Loopback by default; use 0.0.0.0 or :: to serve the network.'),
  'database.url': setting(
    k.optionalText,
    undefined,
    'Database URL. Unset: an SQLite file `mailroom.db` in data_dir. `sqlite:/path/file.db` for another SQLite file. `postgres://user:password@host:5432/database` (or `postgresql://`) for PostgreSQL, shared by several nodes; add `?sslmode=require` for TLS, or `?sslmode=verify-full&sslrootcert=/path/ca.pem` to check the certificate too (docs/postgresql.md).',
    { secret: true },
  ),
  'cluster.node_name': setting(
    k.text,
    os.hostname(),
    'PostgreSQL: the name of this node. Recipients it is delivering carry it (with a lease), and at start it takes back only its own; every node on one database needs its own name (a second live node under a taken name refuses to start).',
    { defaultDoc: "this machine's host name", envAlias: 'MAILROOM_NODE_NAME' },
  ),
  'cluster.lease_seconds': setting(
    k.positiveInt,
    60,
    "PostgreSQL: how long a node holds the recipients it claimed for delivery, and how long it counts as up after its last heartbeat (sent every third of this). Recipients whose lease expired (their node died) go back to the queue for any node; a killed node's name is free for a new process once it has run out.",
  ),
  'database.fsync': setting(
    z.enum(['optimized', 'always'], { error: "expected 'optimized' or 'always'" }),
    'optimized',
    "When a commit waits for the disk. `optimized` (as Dovecot's mail_fsync): whatever creates or moves mail (SMTP acceptance, APPEND, COPY, MOVE, the queue) waits, so every 250 and OK for a message means it survives a power cut; flag changes, \\Recent claims, expunges and the IMAP facts kept for FETCH are committed without waiting (SQLite synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit off for that transaction) and reach the disk with the next commit that waits (SQLite: any message or queue change; otherwise when the OS writes its cache back, about 30 s on Linux) or, on PostgreSQL, within 3 x wal_writer_delay (0.6 s by default). A crash of Mailroom loses none of them; a power cut can undo the last ones (a message flagged \\Seen again unseen, an expunged one back). `always`: every commit waits. See docs/durability.md.",
  ),
  'database.accept_worker': setting(
    k.bool,
    true,
    'SQLite: commit accepted mail in a worker thread with its own connection, so SMTP sessions go on while the disk syncs and concurrent messages share one commit. Off: commit on the main thread. Durability is the same either way (see BENCHMARKS.md).',
  ),
  'smtp.port': setting(k.port, 2525, 'MX listener (port 25 in production): accepts mail for local domains, relays only for authenticated clients and trusted networks. `off` disables it.'),
  'submission.port': setting(k.port, 2587, 'Submission listener (port 587 in production): AUTH required, only after STARTTLS unless the client is on loopback. `off` disables it.'),
  'submission.rate_per_hour': setting(
    k.nonNegativeInt,
    500,
    'Messages one authenticated user may send per hour (submission, submissions, and AUTH on the MX listener), counted over a sliding hour; the next MAIL FROM gets 451 4.7.1 until the oldest falls out of the hour (counted in mailroom_smtp_rejections_total{reason="rate_limited"}). A stolen password then cannot flood the queue. 0 means no limit. Kept in memory: a restart starts the count over.',
  ),
  'submission.from_policy': setting(
    z.enum(['own', 'any']),
    'own',
    'The From header of mail an authenticated user sends (RFC 6409 8.1): `own` (every From address must be one the user may send as: their own or an alias leading to it, as for MAIL FROM; otherwise 550 5.7.1) or `any` (not checked, e.g. for a mailing-list manager that logs in). A missing From, Date or Message-ID is added either way (RFC 6409 8.1-8.3).',
  ),
  'dkim.enabled': setting(
    k.bool,
    true,
    'DKIM-sign outgoing mail (from authenticated users and trusted_networks, with at least one remote recipient) with the active key of its From domain, made by `mailroom dkim generate`. A domain without a key is sent unsigned. See docs/dkim.md.',
  ),
  'pop3.port': setting(k.port, 2110, 'POP3 listener. `off` disables it.'),
  'imap.port': setting(k.port, 2143, 'IMAP listener. `off` disables it.'),
  'imap.idle_timeout_seconds': setting(
    k.positiveInt,
    1800,
    'An IMAP session that sends nothing for this long (IDLE included: clients renew IDLE well within it) is closed with `* BYE Autologout`. RFC 3501 section 5.4 asks for at least 30 minutes (1800); less breaks clients that idle for 29.',
  ),
  'imap.max_sessions_per_user': setting(
    k.positiveInt,
    100,
    'Logged-in IMAP sessions one account may hold at once on this node (IMAP and IMAPS together; a phone, a desktop client and webmail take a few each). A login beyond it is answered NO [LIMIT] and the session stays unauthenticated, counted as sessions_per_user in mailroom_connection_limit_hits_total.',
  ),
  'submissions.port': setting(
    k.port,
    'off',
    'Submission over implicit TLS (RFC 8314, port 465 in production): TLS from the first byte (TLS 1.2 or later, the tls.* certificate), then as the submission listener (AUTH required). Off unless set; binds to `bind`.',
  ),
  'imaps.port': setting(k.port, 'off', 'IMAP over implicit TLS (RFC 8314, port 993 in production). Off unless set; binds to `bind`.'),
  'pop3s.port': setting(k.port, 'off', 'POP3 over implicit TLS (RFC 8314, port 995 in production). Off unless set; binds to `bind`.'),
  'limits.write_timeout_seconds': setting(
    k.positiveInt,
    120,
    'Close an IMAP or POP3 session whose client reads nothing of a response for this long: its output buffer (256 KiB, see server/src/imap/README.md) stayed full. Counted in mailroom_sessions_closed_not_reading_total. A client that reads slower than 256 KiB in this time is treated the same.',
  ),
  'admin.port': setting(k.port, 9425, 'Admin API, health checks and Prometheus metrics. Part of the service: it stays up while the server is stopped.'),
  'admin.allowed_hosts': setting(
    k.list.refine((v) => v.every((h) => isHostName(h.replace(/\.$/, ''))), 'expected host names such as mailroom.internal'),
    [],
    'Host names the admin port answers to besides localhost, `hostname`, `bind` (when it is a name) and any IP address (comma-separated in the environment, a list in YAML): the names Prometheus, Grafana or your browser use to reach it. A request whose Host header names anything else gets 421 Misdirected Request, which stops DNS rebinding (a web page whose domain is pointed at this port).',
  ),
  'admin.token': setting(k.optionalText, undefined, 'Admin API bearer token with the admin role. Never logged, nor shown in configuration errors.', { secret: true }),
  'admin.tokens': setting(
    k.apiTokens,
    [],
    'More admin API tokens, each `name:role:token` with role `viewer` (read), `operator` (also queue and server actions) or `admin`; comma-separated in the environment, a list in YAML. The name appears in audit logs, the token never.',
    { secret: true },
  ),
  relay: setting(
    k.optionalHostPort,
    undefined,
    "Smarthost `host:port` for all remote mail (`[2001:db8::1]:25` for IPv6). Unset: deliver directly to the recipient domain's MX hosts. Routes kept in the database (`mailroom route add`, docs/routes.md) come first: a domain's own route, then the route `*`, then this.",
  ),
  relay_security: setting(
    z.enum(['opportunistic', 'starttls', 'tls'], { error: "expected 'opportunistic', 'starttls' or 'tls'" }),
    'opportunistic',
    'How `relay` is reached: `opportunistic` uses STARTTLS when offered, `starttls` requires it (a smarthost that does not offer it defers the mail), `tls` is implicit TLS from the first byte (port 465). Certificates are not checked (as MTAs do).',
  ),
  relay_username: setting(k.optionalText, undefined, 'User name for AUTH at `relay` (with relay_password). AUTH is sent only over TLS: set relay_security to `starttls` or `tls`.'),
  relay_password: setting(k.optionalText, undefined, 'Password for AUTH at `relay`. Never logged, nor shown in configuration errors or by the admin API.', { secret: true }),
  trusted_networks: setting(
    k.cidrList,
    [],
    'CIDR ranges (comma-separated in the environment, a list in YAML) whose clients may relay through the MX listener without authentication and are never delayed by the greeting check. A bare address means that one host. Ranges with host bits set (10.0.0.1/8) are refused. Default none: not even loopback relays without AUTH.',
  ),
  postmaster: setting(
    k.optionalAddress,
    undefined,
    'Where mail to postmaster@ goes for every local domain without its own postmaster account or alias, and mail to the bare `postmaster` (RFC 5321 4.5.1 requires both to be accepted). May be a remote address. Unset: such mail is refused as an unknown user.',
  ),
  'tls.cert_file': setting(
    k.optionalText,
    undefined,
    'PEM certificate for STARTTLS and the implicit TLS listeners, leaf first then intermediates. Checked against tls.key_file at start-up, and re-read when either file changes (new connections get the new pair; a pair that does not load is logged and the previous one kept). TLS 1.2 is the minimum everywhere. Unset: a self-signed certificate for `hostname` is generated once into data_dir/tls/self-signed.crt (key beside it, mode 0600) and reused after restarts.',
  ),
  'tls.key_file': setting(k.optionalText, undefined, 'PEM private key for tls.cert_file (RSA or EC); set both or neither.'),
  'smtp.max_message_size_bytes': setting(
    k.positiveInt,
    26_214_400,
    'Largest message accepted, advertised with SIZE. MAIL FROM with a larger SIZE= gets 552 5.3.4 at once; a larger message without SIZE= gets 552 5.3.4 after DATA and is not kept.',
  ),
  'smtp.dnsbl_zones': setting(
    k.list,
    [],
    "DNS blocklists asked about each client of the MX listener (e.g. `zen.spamhaus.org`; comma-separated in the environment, a list in YAML). A listed client gets 554 5.7.1 at RCPT with the list's reason; trusted networks and authenticated clients are not asked about. A list that does not answer lists nobody. Default none.",
  ),
  'smtp.greylisting': setting(
    k.bool,
    false,
    'Greylisting on the MX listener (RFC 6647): the first message from an unknown (client network, sender, recipient) triplet gets 451 4.7.1; the same triplet retried after `smtp.greylist_delay_seconds` passes and is remembered. Trusted networks, `smtp.greylist_exempt` and authenticated clients are never greylisted. Kept in the store, so every node of a cluster knows a retry.',
  ),
  'smtp.greylist_delay_seconds': setting(k.positiveInt, 300, 'How long a greylisted sender must wait before its retry passes.'),
  'smtp.greylist_pass_days': setting(k.positiveInt, 36, 'How long a triplet that passed stays passed after it was last seen (a sender writing monthly is not greylisted again).'),
  'smtp.greylist_exempt': setting(
    k.cidrList,
    [],
    'Client networks never greylisted (big senders that retry from other addresses, partners), besides `trusted_networks`; CIDR ranges, comma-separated in the environment, a list in YAML.',
  ),
  'smtp.max_unknown_recipients': setting(
    k.positiveInt,
    20,
    'RCPT TO for unknown local users one SMTP session may make; the next gets 421 4.7.0 and the connection is closed, and the address counts one failure toward auth.ban_failures (address harvesting).',
  ),
  'smtp.max_recipients': setting(k.positiveInt, 100, 'Recipients per message (after removing duplicates); each one beyond gets 452 4.5.3 and the client may send it in another transaction.'),
  'smtp.greeting_delay_ms': setting(
    k.nonNegativeInt,
    100,
    'Wait before the greeting on the MX listener; a client that sends anything before it gets 421 4.5.0 and is disconnected (an early-talker check against spam bots). 0 turns the check off. Submission and trusted networks are never delayed.',
  ),
  'dns.servers': setting(
    dnsServers,
    [],
    "DNS servers every lookup asks (MX routing, the addresses of mail hosts, PTR, SPF, DKIM and DMARC records): IP addresses, each with an optional port (`192.0.2.53`, `127.0.0.1:5353`, `[2001:db8::53]:53`; comma-separated in the environment, a list in YAML), asked in order. Empty: the system's resolvers (/etc/resolv.conf). Names are not accepted: a resolver's own address cannot be looked up.",
  ),
  'dns.timeout_ms': setting(
    k.positiveInt,
    5000,
    'Longest wait for one DNS lookup, retries and every server included. Past it the lookup is a temporary failure: remote delivery is deferred, an incoming check says temperror.',
  ),
  'smtp.sender_auth': setting(
    k.bool,
    false,
    'Check SPF, DKIM, DMARC and ARC of mail arriving on the MX listener from clients that are neither authenticated nor in trusted_networks (mailauth, DNS through dns.servers), add an Authentication-Results header (RFC 8601, authserv-id `hostname`) and Received-SPF, and remove forged Authentication-Results fields carrying our host name. Results are counted in mailroom_auth_checks_total. Off: none of this (each message costs a few DNS lookups).',
  ),
  'smtp.dmarc_policy': setting(
    z.enum(['follow', 'quarantine', 'none']),
    'follow',
    "With smtp.sender_auth on, what a DMARC failure does: `follow` the From domain's policy (p=reject: 550 5.7.1 in the session; p=quarantine: delivered to the local recipients' Junk folder), `quarantine` (both to Junk, nothing refused) or `none` (only the Authentication-Results header says it).",
  ),
  'smtp.sender_auth_temperror': setting(
    z.enum(['accept', 'tempfail']),
    'accept',
    'With smtp.sender_auth on, when a check could not be done because DNS failed (a timeout, SERVFAIL): `accept` the message with `temperror` in Authentication-Results, or `tempfail` it with 451 4.4.3 so the sender retries later.',
  ),
  'smtp.greeting_pass_ttl_seconds': setting(
    k.nonNegativeInt,
    86_400,
    "An MX client address that waited for the greeting quietly is greeted at once on its next connections for this long (as Postfix's postscreen remembers a pass for a day), so a sender that connects often is not slowed by the check. 0 remembers nothing. At most 100000 addresses are remembered (the least recently seen are forgotten first); the memory is lost on restart. Counted in mailroom_smtp_greeting_checks_total.",
  ),
  'smtp.reverse_dns': setting(k.bool, false, "Look up the client's PTR name for the Received header."),
  'smtp.idle_timeout_seconds': setting(k.positiveInt, 300, 'Close an SMTP session that says nothing for this long (RFC 5321 suggests 5 minutes).'),
  'smtp.max_clients': setting(k.positiveInt, 1000, 'Concurrent SMTP sessions per listener; more get 421.'),
  'delivery.concurrency': setting(k.positiveInt, 16, 'Deliveries in progress at once (local and remote).'),
  'delivery.connections_per_domain': setting(k.positiveInt, 4, 'Outbound SMTP connections at once to one destination domain.'),
  'delivery.retry_schedule_seconds': setting(
    k.secondsList,
    [60, 300, 900, 1800, 3600, 7200, 14400],
    'Delay before each retry after a temporary failure; the last delay repeats until the expiry. The first delay is also how long a delivery interrupted by a crash waits after the restart.',
  ),
  'delivery.recipient_delimiter': setting(
    z.enum(['+', '-', '_', '=', 'off'], { error: "expected one of + - _ = or 'off'" }),
    '+',
    'Sub-addressing (RFC 5233): mail for `user+tag@domain` goes to `user@domain` when no account or alias has the whole address. The character that starts the tag (the first one in the local part), or `off`.',
  ),
  'delivery.file_by_tag': setting(k.bool, false, "With sub-addressing, file `user+tag@domain` into the account's folder named exactly `tag` when it has one; otherwise, and when off, into INBOX."),
  'delivery.expiry_seconds': setting(k.positiveInt, 432_000, 'Give up and bounce a message that could not be delivered for this long (default 5 days).'),
  'delivery.connect_timeout_seconds': setting(k.positiveInt, 30, 'Outbound SMTP connection timeout.'),
  'delivery.smtp_timeout_seconds': setting(k.positiveInt, 300, 'Outbound SMTP timeout for a reply to a command or to the end of data.'),
  'delivery.history_days': setting(
    k.intBetween(1, 3650),
    7,
    'Days the history of a message (acceptance and every delivery attempt: the trace, GET /api/v1/trace) is kept after it left the queue; pruned every hour. At most 100 attempts are kept per message, the rest only counted.',
  ),
  'delivery.poll_interval_ms': setting(k.positiveInt, 1000, 'How often idle workers look for due messages (they also wake at once on new mail and on send-now).'),
  'server.shutdown_grace_seconds': setting(k.nonNegativeInt, 10, 'How long a server stop waits for sessions and deliveries in progress before closing them.'),
  'server.autostart': setting(k.bool, true, 'Start the server (listeners and delivery) when the service starts. Off: only the admin port comes up.'),
  'auth.ban_failures': setting(
    k.nonNegativeInt,
    5,
    'Failed logins (SMTP AUTH, IMAP, POP3 together) from one IP address within auth.ban_window_seconds that get the address banned: every listener then refuses it at connect for auth.ban_duration_seconds. 0 turns auto-ban off. Bans are kept in the database (they survive a restart), listed and lifted with `mailroom ban` or /api/v1/bans.',
  ),
  'auth.ban_window_seconds': setting(k.positiveInt, 600, 'The period over which failed logins are counted for auth.ban_failures.'),
  'auth.ban_duration_seconds': setting(k.positiveInt, 3600, 'How long an automatic ban lasts (and a ban added by hand without its own duration).'),
  'auth.ban_loopback': setting(
    k.bool,
    false,
    'Ban loopback addresses (127.0.0.0/8, ::1) too. Off: local tools and webmail on this host are never locked out; a self-test warning shows when a loopback address is banned.',
  ),
  'auth.failure_delay_ms': setting(
    k.nonNegativeInt,
    1000,
    'A failed login (SMTP AUTH, IMAP, POP3) is answered only after this delay (a timer: other sessions go on meanwhile), doubled for each further failure from the same address within auth.ban_window_seconds (up to auth.failure_delay_max_ms): password guessing gets slower, on one connection or many. A wrong bearer token on the admin port (API or /metrics) waits this base delay.',
  ),
  'auth.failure_delay_max_ms': setting(k.nonNegativeInt, 30_000, 'The longest a failed login waits for its answer, however many failures its address has made (see auth.failure_delay_ms).'),
  'auth.cache_ttl_seconds': setting(
    k.nonNegativeInt,
    60,
    'How long a successful login (SMTP AUTH, IMAP, POP3) is remembered, so the same user and password within it skip the scrypt check; 0 turns the cache off. Kept under a keyed hash (HMAC with a per-process random key), never the password; failures are never kept. An entry is used only while the stored password hash is unchanged, so a password change or account removal, on any node, takes effect at the next login; the TTL bounds how long a success outlives anything else.',
  ),
  'auth.max_failures_per_session': setting(k.positiveInt, 3, 'Failed logins one session may make (SMTP AUTH, IMAP, POP3); the next failure closes the connection (SMTP: 421 4.7.0).'),
  'limits.smtp_connections_per_minute_per_ip': setting(
    k.nonNegativeInt,
    0,
    'New connections per clock minute one client address may open to the MX listener; more get 421 4.7.0 (trusted networks exempt; counted per node). 0: no limit (the default, as Postfix).',
  ),
  'limits.smtp_messages_per_minute_per_ip': setting(
    k.nonNegativeInt,
    0,
    'Messages (MAIL FROM) per clock minute one client address may start on the MX listener without logging in; more get 451 4.7.1 (trusted networks and authenticated clients exempt; counted per node). 0: no limit.',
  ),
  'limits.max_unauthenticated_per_ip': setting(
    k.positiveInt,
    30,
    'Sessions from one IP address that have not logged in yet (MX sessions never do), all protocols together; a connection beyond it is refused at connect. Slow or idle clients from one address cannot fill the listeners. A relay that delivers over more concurrent sessions than this (a large provider behind one address) needs more.',
  ),
  'limits.max_unauthenticated': setting(
    k.positiveInt,
    500,
    'Sessions that have not logged in yet, from all addresses and protocols together. When a new client arrives at this many, the oldest of them is closed to make room, so a flood of slow or idle connections cannot keep honest clients out.',
  ),
  'limits.preauth_timeout_seconds': setting(
    k.positiveInt,
    60,
    'An IMAP or POP3 client must log in within this long of connecting (STARTTLS included), however busily it sends; then the usual idle timeouts apply.',
  ),
  'limits.line_timeout_seconds': setting(
    k.positiveInt,
    30,
    'A command line (SMTP, IMAP, POP3; also each line of an SMTP DATA transfer) must arrive whole within this long of its first byte: a client trickling bytes to keep a connection open is dropped. IMAP literals are byte counts, not lines, and are not timed this way.',
  ),
  'limits.max_sessions_per_ip': setting(
    k.positiveInt,
    50,
    'Open sessions at once from one IP address, all protocols together; a connection beyond it is refused at connect. Loopback counts like any other address.',
  ),
  'limits.event_loop_delay_warning_ms': setting(
    k.nonNegativeInt,
    250,
    "A warning is logged (category application, at most once a minute) when the event loop was blocked longer than this: every client and /healthz waited that long. mailroom_event_loop_delay_seconds has every second's worst delay. 0 turns the warning off.",
  ),
  'limits.max_connections_per_listener': setting(
    k.intBetween(1, 1_000_000),
    1000,
    'Concurrent connections on each IMAP and POP3 listener (SMTP has smtp.max_clients); one more is answered `* BYE` or `-ERR` and closed, counted as listener_full in mailroom_connection_limit_hits_total.',
  ),
  'limits.max_output_buffer_bytes': setting(
    k.intBetween(32 * 1024, 64 * 1024 * 1024),
    256 * 1024,
    'The most response bytes an IMAP or POP3 session may have waiting in its socket for a client that reads slowly: a large FETCH is sent in chunks as the client takes them, so memory per session stays about this plus one message. A client that lets it stay full for limits.write_timeout_seconds is closed (mailroom_sessions_closed_not_reading_total).',
  ),
  'quota.default_bytes': setting(
    k.nonNegativeInt,
    0,
    'Storage quota in bytes for every account without its own (`mailroom quota set`, PUT /api/v1/accounts/{address}/quota); 0 means unlimited. A message that would take the mailbox over it is refused: SMTP 552 5.2.2 at RCPT (when SIZE= says so) or at DATA, IMAP APPEND/COPY/MOVE `NO [OVERQUOTA]`; mail already in the queue for the account waits (4.2.2) until there is room, and bounces when it expires (delivery.expiry_seconds). Usage counts every message in every folder, kept as mail is filed and removed.',
  ),
  'quota.default_messages': setting(k.nonNegativeInt, 0, 'Quota in messages for every account without its own; 0 means unlimited. Enforced with quota.default_bytes, in the same places.'),
  'limits.max_keywords_per_message': setting(
    k.intBetween(1, 10_000),
    128,
    'Keywords (IMAP flags without a backslash) one message may carry: a STORE or APPEND beyond it gets NO [LIMIT] and changes nothing, counted as keywords_per_message in mailroom_connection_limit_hits_total. Clients tag with a handful; the cap keeps every flag operation and FETCH FLAGS answer small.',
  ),
  'limits.max_keywords_per_mailbox': setting(
    k.intBetween(1, 100_000),
    1000,
    'Distinct keywords in one mailbox, as the storing session sees it: a STORE beyond it gets NO [LIMIT], counted as keywords_per_mailbox in mailroom_connection_limit_hits_total. Bounds the FLAGS and PERMANENTFLAGS answers every client receives on SELECT.',
  ),
  'limits.imap_max_line_bytes': setting(
    k.intBetween(8192, 16 * 1024 * 1024),
    64 * 1024,
    'One line of an IMAP command, literals not counted (RFC 7162 section 3.2.5 asks for at least 8192). A longer line is answered BAD and the connection closed, counted as line_too_long in mailroom_connection_limit_hits_total.',
  ),
  'limits.imap_max_literal_bytes': setting(
    k.intBetween(1024, 64 * 1024 * 1024),
    64 * 1024,
    'One IMAP literal outside APPEND (a mailbox name, a password, a search string; APPEND takes up to smtp.max_message_size_bytes). A larger one is refused before it is sent (BAD [TOOBIG]), counted as literal_too_large in mailroom_connection_limit_hits_total.',
  ),
  'limits.imap_max_command_bytes': setting(
    k.intBetween(8192, 256 * 1024 * 1024),
    1024 * 1024,
    'A whole IMAP command outside APPEND, lines and literals together (APPEND adds smtp.max_message_size_bytes to it); at least limits.imap_max_line_bytes. Beyond it the command is refused (BAD [TOOBIG]), counted as command_too_large in mailroom_connection_limit_hits_total.',
  ),
  'log.level': setting(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), 'info', 'Lowest level written anywhere (stdout, live log, Loki).'),
  'log.categories': setting(
    k.list.refine(
      (v) => v.every((c) => ['smtp', 'submission', 'pop3', 'imap', 'tcpip', 'delivery', 'application', 'debug'].includes(c)),
      'expected categories among smtp, submission, pop3, imap, tcpip, delivery, application, debug',
    ),
    ['application', 'delivery'],
    'Log categories on at first start (comma-separated): smtp, submission, pop3, imap (every command and reply), tcpip (connects, disconnects, TLS), delivery, application, debug. Switched at run time through PUT /api/v1/logging; that choice is kept in data_dir/logging.json and wins over this setting after the first start. Warnings and errors are written whatever the categories.',
  ),
  'loki.url': setting(k.optionalText, undefined, 'Loki base URL (e.g. http://127.0.0.1:3100) or full push URL. Set: log lines are also pushed to Loki in batches.'),
  'loki.format': setting(z.enum(['protobuf', 'json']), 'protobuf', "Push format: protobuf with snappy (what Loki's own agents send) or JSON."),
  'loki.tenant': setting(k.optionalText, undefined, 'Tenant sent as X-Scope-OrgID (multi-tenant Loki).'),
  'loki.username': setting(k.optionalText, undefined, 'Basic auth user for Loki.'),
  'loki.password': setting(k.optionalText, undefined, 'Basic auth password for Loki. Never logged.', { secret: true }),
  'loki.bearer_token': setting(k.optionalText, undefined, 'Bearer token for Loki (instead of basic auth). Never logged.', { secret: true }),
  'loki.ca_file': setting(k.optionalText, undefined, 'PEM CA bundle to verify an https Loki URL.'),
  'loki.tls_insecure': setting(k.bool, false, 'Skip certificate verification for an https Loki URL (testing only).'),
  'loki.structured_metadata': setting(k.bool, false, 'Send session id, queue id, client IP, user and level as structured metadata (Loki must allow it).'),
  'loki.batch_max_bytes': setting(k.positiveInt, 1_048_576, 'Send a batch when it reaches this size.'),
  'loki.batch_wait_ms': setting(k.positiveInt, 1000, 'Send a batch at the latest this long after its first line.'),
  'loki.buffer_max_bytes': setting(k.positiveInt, 16_777_216, 'Lines held while Loki is slow or down; beyond this the oldest are dropped (counted in mailroom_loki_dropped_entries_total).'),
  'admin.metrics_token': setting(k.optionalText, undefined, 'Bearer token that /metrics requires. Unset: /metrics is open (bind the admin port to loopback or a private network).', { secret: true }),
  clamd: setting(
    clamdAddress,
    undefined,
    'ClamAV daemon for virus scanning: `tcp://host:port` or a unix socket (`unix:/run/clamav/clamd.ctl` or just the path). Unset: no virus scanning. Mail is scanned during SMTP DATA on the MX listener (so it can be refused in the session) and on injection through the API; scan.authenticated decides for authenticated clients.',
  ),
  spamd: setting(
    spamdAddress,
    undefined,
    'SpamAssassin daemon for spam scoring: `host:port` (`[::1]:783` for IPv6) or an absolute socket path. Unset: no spam checks. Scanned where clamd is (see there).',
  ),
  'scan.virus_action': setting(
    z.enum(['reject', 'delete', 'quarantine']),
    'reject',
    'What to do with a message in which clamd finds a virus: `reject` (554 5.7.1 in the SMTP session, so the sender keeps it), `delete` (accept with 250 and drop it silently) or `quarantine` (accept and keep it out of every mailbox; listed, released or deleted through /api/v1/quarantine). Every virus counts in mailroom_viruses_detected_total.',
  ),
  'scan.spam_action': setting(
    z.enum(['tag', 'junk', 'delete']),
    'junk',
    "What to do with spam (score from scan.spam_score, below scan.spam_reject_score): `tag` (X-Spam-Flag, X-Spam-Score, X-Spam-Status headers and scan.spam_subject_prefix, delivered to INBOX), `junk` (tagged and delivered to the local recipient's Junk folder; remote recipients get it tagged) or `delete` (accept with 250 and drop it). Counted in mailroom_spam_detected_total by action.",
  ),
  'scan.spam_score': setting(
    spamScore,
    5,
    "Spam score (a decimal number, SpamAssassin's usual 5.0) from which a message is spam. Mailroom applies its own threshold; spamd's required_score does not matter.",
  ),
  'scan.spam_reject_score': setting(
    spamScoreOrOff,
    20,
    'Spam score (a decimal number) from which a message is refused in the SMTP session with 554 5.7.1, whatever scan.spam_action says. `off` never refuses spam.',
  ),
  'scan.spam_subject_prefix': setting(subjectPrefix, undefined, 'Put before the subject of spam that is delivered, e.g. `[SPAM]` (printable ASCII). Unset: the subject is left alone.'),
  'scan.unavailable_action': setting(
    z.enum(['accept', 'tempfail']),
    'accept',
    'When clamd or spamd is down, too slow (scan.timeout_seconds) or saturated: `accept` the message unscanned (a self-test warning shows the scanner unreachable, and mailroom_scan_errors_total counts it) or `tempfail` it with 451 4.7.1 so the sender retries later. A daemon found down (refused, or no answer within scan.timeout_seconds) is not asked again until a background probe gets an answer: meanwhile this applies at once, without waiting. Scanning resumes on its own once the daemon is back.',
  ),
  'scan.too_large_action': setting(
    z.enum(['accept', 'reject']),
    'accept',
    "A message larger than clamd takes (scan.clamd_max_stream_bytes, or clamd's own StreamMaxLength): `accept` it without a virus scan, or `reject` it with 552 5.3.4 (a retry would not help). Mail over scan.spamd_max_message_bytes always skips the spam check, as spamc does.",
  ),
  'scan.authenticated': setting(
    z.enum(['all', 'virus', 'none']),
    'virus',
    'What is checked in mail from authenticated clients (submission, and AUTH on the MX listener): `virus` only, `all` (virus and spam) or `none`.',
  ),
  'scan.timeout_seconds': setting(
    k.positiveInt,
    30,
    'Longest wait for each check, connecting and waiting for a free connection included; clamd and spamd are asked side by side, so a message waits at most this long. Past it the scanner counts as unavailable (scan.unavailable_action) and is known down: later messages do not wait for it (they get scan.unavailable_action at once) until a background probe gets an answer, 2 s after, then 4, 8, 16 and every 30 s (mailroom_scanner_available).',
  ),
  'scan.max_concurrent': setting(
    k.positiveInt,
    4,
    'Connections at once to each daemon (clamd MaxThreads defaults to 10, spamd starts 5 children); further scans wait their turn within scan.timeout_seconds.',
  ),
  'scan.clamd_max_stream_bytes': setting(
    k.positiveInt,
    26_214_400,
    "Largest message sent to clamd; set it to clamd.conf StreamMaxLength (default 25M). Larger mail gets scan.too_large_action without being sent; if clamd's own limit is lower, clamd cuts the stream off and the outcome is the same.",
  ),
  'scan.spamd_max_message_bytes': setting(k.positiveInt, 512_000, "Largest message sent to spamd (spamc's default 500 KB); larger mail is delivered without a spam check."),
  'selftest.interval_seconds': setting(k.positiveInt, 300, 'How often the configuration self-test runs on its own (it also runs at start, on changes and on recheck).'),
  'selftest.min_free_disk_bytes': setting(k.positiveInt, 1_073_741_824, 'Warn when the disk of data_dir has less free space than this.'),
  'selftest.max_queue_age_seconds': setting(k.positiveInt, 3600, 'Warn when the delivery queue holds a message older than this.'),
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type Config = { readonly [K in SettingKey]: z.output<(typeof SETTINGS)[K]['schema']> };

export const envName = (key: string): string => `MAILROOM_${key.replace(/\./g, '_').toUpperCase()}`;
/** The setting's other environment variable, if it has one. */
export const envAliasOf = (key: SettingKey): string | undefined => (SETTINGS[key] as { envAlias?: string }).envAlias;
