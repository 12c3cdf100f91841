// The MX and submission listeners: smtp-server configured for each role, with our hooks deciding who
// may send what. A message gets "250 queued as ID" only after MessageIntake has made it durable. With a
// scanner configured, the message is scanned before that reply, so a virus or clear spam is refused in
// the session (content-scan.ts). Submission also has an implicit TLS listener (submissions, RFC 8314):
// the same role, kind and rules, on a connection encrypted from its first byte.
import { Greylisting } from './greylisting.ts';
import { Dnsbl, type DnsblListing } from './dnsbl.ts';
import { PerMinuteCounter } from '../util/per-minute-counter.ts';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerDataStream, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type tls from 'node:tls';
import { countTlsHandshake } from '../telemetry/tls-handshakes.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import type { Config } from '../config/settings.ts';
import { inNetworks, parseCidrList, type Cidr } from '../config/validators.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Envelope } from '../delivery/accept.ts';
import type { Intake } from '../delivery/intake.ts';
import { refusalFor } from '../net/admission.ts';
import type { CloseReason, SessionRegistry } from '../net/session-registry.ts';
import type { Store } from '../store/store.ts';
import { isDiskFull } from '../store/disk-full.ts';
import type { NewRecipient } from '../store/types.ts';
import type { EventBus, ListenerName, RejectionReason } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { smtpServerLogger } from './protocol-log.ts';
import { parseAddress } from '../util/address.ts';
import { authenticatedUser, authNeedsTls, ownsSender } from './auth-policy.ts';
import type { ScanMode } from '../delivery/content-scan.ts';
import { MAIL_PARAMETERS, RCPT_PARAMETERS, unsupportedParameter } from './parameters.ts';
import { countReceivedHeaders, MAX_RECEIVED_HEADERS } from './hop-count.ts';
import { receivedHeader } from './received.ts';
import { missingHeaderLines, readHeaderFacts } from './submission-hygiene.ts';
import { decideRecipient, subAddressingFrom, type RecipientDecision } from '../delivery/recipient-policy.ts';
import { declaredSize, mailboxFullMessage, recipientOverQuota } from './quota-check.ts';
import { routePostmaster } from './postmaster.ts';
import { SmtpReply } from './reply.ts';
import { dnsFor } from '../dns/resolver.ts';
import { senderAuthFor, type SenderAuth } from '../sender-auth/check.ts';
import { DkimSigner, fromDomain } from '../dkim/signer.ts';
import { installSmtpServerPatches, type PatchedServerOptions } from './smtp-server-patches.ts';
import { TLS_MIN_VERSION, type ServerCertificate } from '../net/server-certificate.ts';
import type { TlsMaterial } from '../net/tls-material.ts';
import type { GreetingPasses } from './greeting-passes.ts';
import type { SenderRate } from './sender-rate.ts';

export type ListenerKind = 'smtp' | 'submission';

export interface SmtpListenerDeps {
  config: Config;
  store: Store;
  intake: Intake;
  /** Password checks, failed-login handling and bans, shared with IMAP and POP3. */
  auth: Authenticator;
  events: EventBus;
  sessions: SessionRegistry;
  tls: ServerCertificate;
  /** MX clients that passed the greeting check recently (smtp.greeting_pass_ttl_seconds), shared by restarts of the listener. */
  greetingPasses: GreetingPasses;
  /** Messages per authenticated user per hour (submission.rate_per_hour), shared by every listener. */
  senderRate: SenderRate;
}

interface Transaction {
  recipients: NewRecipient[];
  /** RCPT commands accepted: smtp.max_recipients counts these, not the members a list expands to. */
  rcptCount: number;
  /** Local accounts of the recipients that have a storage quota: DATA checks the real size against these. */
  quotaLimited: Set<number>;
  log: Logger;
}

type Address = { address: string; args: unknown };

/** What one session has tried that counts against it, across transactions. */
interface Strikes {
  authFailures: number;
  unknownRecipients: number;
}

/** smtp-server's open connection as a ban reaches it: send(421) answers and closes it. */
interface OpenConnection {
  session: SMTPServerSession;
  send(code: number, text: string): void;
}

/** Client addresses whose trusted_networks answer is remembered; the map starts over when full. */
const TRUSTED_CACHE_SIZE = 4096;

export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly trusted: Cidr[];
  private readonly dkimSigner: DkimSigner;
  private readonly trustedCache = new Map<string, boolean>();
  private readonly transactions = new WeakMap<SMTPServerSession, Transaction>();
  private readonly strikes = new WeakMap<SMTPServerSession, Strikes>();
  private readonly log: Logger;
  /** SPF/DKIM/DMARC/ARC on the MX listener (smtp.sender_auth); null when off or on submission. */
  private readonly senderAuth: SenderAuth | null;
  /** DNS blocklists (smtp.dnsbl_zones) on the MX listener; the lookup starts at connect, RCPT waits for it. */
  private readonly dnsbl: Dnsbl | null;
  private readonly listings = new WeakMap<SMTPServerSession, Promise<DnsblListing | null>>();
  /** limits.smtp_connections_per_minute_per_ip and limits.smtp_messages_per_minute_per_ip (MX listener). */
  private readonly connectionsPerMinute = new PerMinuteCounter();
  private readonly messagesPerMinute = new PerMinuteCounter();
  /** smtp.greylisting on the MX listener; null when off or on submission. */
  private readonly greylisting: Greylisting | null;
  private readonly greylistExempt: Cidr[];
  /** The certificate pair smtp-server's contexts were last built from. */
  private material: TlsMaterial;
  /** The listener's name: the kind, or submissions for implicit TLS. */
  readonly name: ListenerName;

  /** implicitTls (submission only): TLS from the first byte (RFC 8314 submissions); otherwise plaintext with STARTTLS. */
  constructor(
    readonly kind: ListenerKind,
    private readonly deps: SmtpListenerDeps,
    implicitTls = false,
  ) {
    installSmtpServerPatches();
    const { config } = deps;
    if (implicitTls && kind !== 'submission') throw new Error('implicit TLS is for submission only');
    this.name = implicitTls ? 'submissions' : kind;
    this.log = logger(kind);
    this.trusted = parseCidrList(config.trusted_networks) ?? [];
    this.dkimSigner = new DkimSigner(deps.store);
    this.senderAuth = kind === 'smtp' && config['smtp.sender_auth'] ? senderAuthFor(config) : null;
    this.greylisting = kind === 'smtp' && config['smtp.greylisting'] ? new Greylisting(deps.store, config) : null;
    this.greylistExempt = parseCidrList(config['smtp.greylist_exempt']) ?? [];
    this.dnsbl = kind === 'smtp' && config['smtp.dnsbl_zones'].length > 0 ? new Dnsbl(dnsFor(config), config['smtp.dnsbl_zones']) : null;
    this.material = deps.tls.material;
    const greetingDelay = config['smtp.greeting_delay_ms'];
    const passes = deps.greetingPasses;
    const patched: PatchedServerOptions = {
      greetingDelayMs: (address) => {
        if (kind === 'submission' || greetingDelay === 0 || this.isTrusted(address)) return 0;
        if (passes.passedRecently(address)) {
          this.deps.events.emit('smtp.greeting_check', { result: 'skipped' });
          return 0;
        }
        return greetingDelay;
      },
      onGreetingPassed: (address) => {
        passes.remember(address);
        this.deps.events.emit('smtp.greeting_check', { result: 'passed' });
      },
      lineTimeoutMs: config['limits.line_timeout_seconds'] * 1000,
      onLineTimeout: (address) => {
        this.deps.events.emit('limit.hit', { protocol: kind, limit: 'line_timeout' });
        this.log.info({ remote: address }, 'closed: line not finished in time');
      },
      onEarlyTalker: (address) => {
        this.deps.events.emit('smtp.greeting_check', { result: 'early_talker' });
        this.deps.events.emit('smtp.rejected', { protocol: kind, reason: 'early_talker' });
        this.log.info({ remote: address }, 'client talked before the greeting; disconnected');
      },
    };
    const options: SMTPServerOptions & PatchedServerOptions = {
      name: config.hostname,
      // smtp-server writes "220 <name> ESMTP <banner>".
      banner: 'Mailroom',
      key: this.material.key,
      cert: this.material.cert,
      // smtp-server's own default is TLSv1 ("very old SMTP clients"); RFC 8996 retired 1.0 and 1.1.
      minVersion: TLS_MIN_VERSION,
      secure: implicitTls,
      size: config['smtp.max_message_size_bytes'],
      authMethods: ['PLAIN', 'LOGIN'],
      // sendmail's joke commands (WIZ answers "200 Please pass, oh mighty wizard") become unknown commands.
      disabledCommands: ['WIZ', 'SHELL', 'KILL'],
      authOptional: kind === 'smtp',
      // We decide per connection (loopback may authenticate in the clear) in onAuth.
      allowInsecureAuth: true,
      hideENHANCEDSTATUSCODES: false,
      disableReverseLookup: !config['smtp.reverse_dns'],
      // The PTR lookup (smtp.reverse_dns) asks our resolver (dns.servers), not smtp-server's node:dns.
      resolver: {
        reverse: (ip: string, cb: (err: Error | null, names?: string[]) => void) =>
          void dnsFor(config)
            .ptr(ip)
            .then((names) => cb(null, names), cb),
      },
      socketTimeout: config['smtp.idle_timeout_seconds'] * 1000,
      closeTimeout: config['server.shutdown_grace_seconds'] * 1000,
      maxClients: config['smtp.max_clients'],
      logger: smtpServerLogger(kind) as unknown as SMTPServerOptions['logger'],
      ...patched,
      onConnect: (session, cb) => this.onConnect(session, cb),
      // After a STARTTLS or implicit TLS handshake; a failed one reaches the server's 'error' below.
      onSecure: (socket, _session, cb) => {
        countTlsHandshake(this.name, (socket as tls.TLSSocket).getProtocol?.(), true);
        cb();
      },
      onAuth: (auth, session, cb) =>
        void this.onAuth(auth, session).then(
          (user) => cb(null, { user }),
          (err: Error) => cb(err),
        ),
      onMailFrom: (address, session, cb) =>
        void this.onMailFrom(address, session).then(
          () => cb(),
          (err: Error) => cb(err),
        ),
      onRcptTo: (address, session, cb) =>
        void this.onRcptTo(address, session).then(
          () => cb(),
          (err: Error) => cb(err),
        ),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
      onClose: (session) => this.onClose(session),
    };
    this.server = new SMTPServer(options);
    // The library wraps the logger in a function that copies every entry into a new object first; it
    // logs each command and reply, mostly into categories that are off, so hand it ours directly.
    (this.server as unknown as { logger: unknown }).logger = options.logger;
    this.server.on('error', (err) => {
      // smtp-server marks a failed handshake with the TLS details (meta.tlsProtocol) and reports it here.
      const meta = (err as Error & { meta?: object }).meta;
      if (meta && 'tlsProtocol' in meta) countTlsHandshake(this.name, null, false);
      this.log.warn({ err: err.message }, 'SMTP listener error');
    });
    // Before smtp-server's own handler (which starts an implicit TLS handshake at once), so the
    // connection's STARTTLS or handshake uses a certificate re-read since the last connection.
    this.server.server.prependListener('connection', () => this.followCertificate());
  }

  /** Rebuilds smtp-server's TLS contexts when the certificate files changed (server-certificate.ts). */
  private followCertificate(): void {
    this.deps.tls.refresh();
    const current = this.deps.tls.material;
    if (current === this.material) return;
    this.material = current;
    this.server.updateSecureContext({ key: current.key, cert: current.cert });
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.server.off('error', onError);
        resolve(this.server.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting; open sessions get the grace period, then are closed. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Asked at connect and for every recipient: parsing the address each time showed in profiles. */
  private isTrusted(address: string): boolean {
    let trusted = this.trustedCache.get(address);
    if (trusted === undefined) {
      if (this.trustedCache.size >= TRUSTED_CACHE_SIZE) this.trustedCache.clear();
      trusted = inNetworks(address, this.trusted);
      this.trustedCache.set(address, trusted);
    }
    return trusted;
  }

  private reject(session: SMTPServerSession, reason: RejectionReason, code: number, message: string, log?: Logger): SmtpReply {
    this.deps.events.emit('smtp.rejected', { protocol: this.kind, reason });
    (log ?? this.transactions.get(session)?.log ?? this.log.child({ session: session.id })).info({ code, reason }, 'rejected');
    return new SmtpReply(code, message);
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    // smtp-server sends the reply and closes; onClose's remove is then a no-op.
    const refusal = refusalFor({ ...this.deps, gate: this.deps.auth }, this.kind, session.remoteAddress);
    if (refusal === 'banned') return cb(new SmtpReply(554, '5.7.1 Access from your address is blocked for a while'));
    if (refusal === 'too_many_sessions') return cb(new SmtpReply(421, '4.7.0 Too many connections from your address'));
    if (refusal === 'too_many_unauthenticated') return cb(new SmtpReply(421, '4.7.0 Too many connections from your address'));
    if (this.kind === 'smtp' && !this.isTrusted(session.remoteAddress)) {
      const perMinute = this.deps.config['limits.smtp_connections_per_minute_per_ip'];
      if (perMinute > 0 && this.connectionsPerMinute.hit(session.remoteAddress) > perMinute) {
        return cb(this.reject(session, 'rate_limited', 421, '4.7.0 Too many connections per minute from your address, try again later'));
      }
      // Asked now, answered (usually) before the first RCPT: the lookup costs the client no wait.
      if (this.dnsbl) this.listings.set(session, this.dnsbl.check(session.remoteAddress));
    }
    this.deps.sessions.add(this.kind, session.id, session.remoteAddress, (reason) => this.closeFromOutside(session, reason), this.name);
    this.strikes.set(session, { authFailures: 0, unknownRecipients: 0 });
    this.log.debug({ session: session.id, remote: session.remoteAddress }, 'connected');
    cb();
  }

  /**
   * Ends an open session from outside: its address was banned, or it is the oldest of too many sessions
   * waiting without a login and makes room for a new client. It ends now, whatever it was doing.
   */
  private closeFromOutside(session: SMTPServerSession, reason: CloseReason): void {
    const connections = (this.server as unknown as { connections: Set<OpenConnection> }).connections;
    for (const connection of connections) {
      if (connection.session !== session) continue;
      this.log.info(
        { session: session.id, remote: session.remoteAddress, reason },
        reason === 'banned' ? 'closed: the address was banned' : 'closed: oldest unauthenticated session, to admit a new one',
      );
      connection.send(421, reason === 'banned' ? '4.7.1 Access from your address is blocked for a while' : '4.7.0 Too many connections, try again later');
    }
  }

  private onClose(session: SMTPServerSession): void {
    this.deps.sessions.remove(this.kind, session.id);
  }

  private async onAuth(auth: SMTPServerAuthentication, session: SMTPServerSession): Promise<string> {
    if (authNeedsTls(session)) {
      throw this.reject(session, 'auth_required', 538, '5.7.11 Encryption required for requested authentication mechanism: use STARTTLS first');
    }
    // RFC 4616: acting for another user (a proxy login) is not offered, as on IMAP and POP3. smtp-server
    // uses the authzid as the user when the authcid is empty, which then names the same user.
    if (auth.method === 'PLAIN' && auth.authzid && auth.authcid && auth.authzid.toLowerCase() !== auth.authcid.toLowerCase()) {
      throw new SmtpReply(535, '5.7.8 Authorization identity must be empty or the authentication identity');
    }
    const result = await this.deps.auth.login(this.kind, session.remoteAddress, auth.username ?? '', typeof auth.password === 'string' ? auth.password : '');
    if (result.ok) {
      this.log.info({ session: session.id, user: result.account.address }, 'authenticated');
      this.deps.sessions.markAuthenticated(this.kind, session.id);
      return result.account.address;
    }
    const strikes = this.strikes.get(session);
    const failures = strikes ? ++strikes.authFailures : 1;
    this.log.info({ session: session.id, remote: session.remoteAddress, failures }, 'authentication failed');
    // 421 makes smtp-server close the connection after the reply, as IMAP and POP3 do after their last try.
    if (result.banned) throw this.reject(session, 'auth_failures', 421, '4.7.1 Too many failed logins from your address');
    if (failures >= this.deps.auth.maxFailuresPerSession) throw this.reject(session, 'auth_failures', 421, '4.7.0 Too many failed logins; closing');
    throw new SmtpReply(535, '5.7.8 Authentication credentials invalid');
  }

  private async onMailFrom({ address: sender, args }: Address, session: SMTPServerSession): Promise<void> {
    const log = this.log.child({ session: session.id });
    this.transactions.set(session, { recipients: [], rcptCount: 0, quotaLimited: new Set(), log });
    const unsupported = unsupportedParameter(args, MAIL_PARAMETERS);
    if (unsupported) throw this.reject(session, 'bad_parameter', 555, `5.5.4 MAIL FROM parameter ${unsupported} not supported`);
    if (sender !== '' && !parseAddress(sender)) {
      throw this.reject(session, 'bad_address', 553, `5.1.7 <${sender}>: Sender address syntax not accepted`);
    }
    // Whoever logged in, on either listener, sends only as themselves: a stolen password must not
    // become a licence to forge every other user's mail.
    const user = authenticatedUser(session);
    if (user !== undefined && !(await ownsSender(user, sender, this.deps.store))) {
      throw this.reject(session, 'sender_denied', 553, `5.7.1 <${sender}>: Sender address not owned by user ${user}`);
    }
    const messagesPerMinute = this.deps.config['limits.smtp_messages_per_minute_per_ip'];
    if (this.kind === 'smtp' && user === undefined && messagesPerMinute > 0 && !this.isTrusted(session.remoteAddress) && this.messagesPerMinute.hit(session.remoteAddress) > messagesPerMinute) {
      throw this.reject(session, 'rate_limited', 451, `4.7.1 Too many messages per minute from your address (at most ${messagesPerMinute}), try again later`);
    }
    // submission.rate_per_hour: a temporary failure, so a legitimate client's queue retries later.
    if (user !== undefined && !this.deps.senderRate.allows(user)) {
      const limit = this.deps.config['submission.rate_per_hour'];
      const retry = this.deps.senderRate.retryAfterSeconds(user);
      throw this.reject(session, 'rate_limited', 451, `4.7.1 Message rate limit exceeded: at most ${limit} messages per hour for ${user}; try again in ${retry} seconds`);
    }
  }

  private async onRcptTo({ address, args }: Address, session: SMTPServerSession): Promise<void> {
    const tx = this.transactions.get(session);
    if (!tx) throw new SmtpReply(503, '5.5.1 Error: need MAIL command');
    const unsupported = unsupportedParameter(args, RCPT_PARAMETERS);
    if (unsupported) throw this.reject(session, 'bad_parameter', 555, `5.5.4 RCPT TO parameter ${unsupported} not supported`);
    if (tx.rcptCount >= this.deps.config['smtp.max_recipients']) {
      throw this.reject(session, 'too_many_recipients', 452, '4.5.3 Error: too many recipients');
    }
    const listing = authenticatedUser(session) === undefined ? await this.listings.get(session) : null;
    if (listing) {
      const why = listing.reason ? `: ${listing.reason}` : '';
      throw this.reject(session, 'dnsbl', 554, `5.7.1 Service unavailable; client [${session.remoteAddress}] blocked using ${listing.zone}${why}`);
    }
    let decision: RecipientDecision;
    let full: NewRecipient | null = null;
    try {
      decision = await this.decide(address, session);
      if (decision.ok) full = await recipientOverQuota(this.deps.store, decision.recipients, declaredSize(session.envelope.mailFrom && session.envelope.mailFrom.args), tx.quotaLimited);
    } catch (err) {
      tx.log.error({ err: (err as Error).message }, 'recipient lookup failed');
      throw this.reject(session, 'temporary', 451, '4.3.0 Error: temporary failure looking up the recipient, try again later');
    }
    if (!decision.ok) {
      if (decision.reason === 'unknown_user') this.countUnknownRecipient(session);
      throw this.reject(session, decision.reason, decision.code, decision.message);
    }
    if (full) throw this.reject(session, 'over_quota', 552, mailboxFullMessage(full.address));
    await this.checkGreylist(address, session);
    tx.rcptCount++;
    for (const recipient of decision.recipients) {
      if (!tx.recipients.some((r) => r.address.toLowerCase() === recipient.address.toLowerCase())) tx.recipients.push(recipient);
    }
  }

  /** smtp.greylisting: a recipient that would be accepted, from an unknown triplet, is deferred (451 4.7.1). */
  private async checkGreylist(recipient: string, session: SMTPServerSession): Promise<void> {
    if (!this.greylisting || authenticatedUser(session) !== undefined || this.isTrusted(session.remoteAddress) || inNetworks(session.remoteAddress, this.greylistExempt)) return;
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    let verdict;
    try {
      verdict = await this.greylisting.check(session.remoteAddress, sender, recipient);
    } catch (err) {
      this.log.error({ session: session.id, err: (err as Error).message }, 'greylist lookup failed');
      throw this.reject(session, 'temporary', 451, '4.3.0 Error: temporary failure, try again later');
    }
    if (!verdict.pass) {
      throw this.reject(session, 'greylisted', 451, `4.7.1 Greylisted: this sender is new here, please try again in ${Math.ceil(verdict.retryInMs / 1000)} seconds`);
    }
  }

  /**
   * Address harvesting: RCPT after RCPT to see which users exist. Past smtp.max_unknown_recipients in one
   * session the client hears 421 and is disconnected, and its address counts one failure toward a ban.
   */
  private countUnknownRecipient(session: SMTPServerSession): void {
    const strikes = this.strikes.get(session);
    if (!strikes) return;
    strikes.unknownRecipients++;
    if (strikes.unknownRecipients <= this.deps.config['smtp.max_unknown_recipients']) return;
    this.deps.events.emit('smtp.harvesting', { protocol: this.kind, remoteAddress: session.remoteAddress });
    throw this.reject(session, 'too_many_unknown_recipients', 421, '4.7.0 Too many unknown recipients; closing');
  }

  private async decide(address: string, session: SMTPServerSession): Promise<RecipientDecision> {
    const { store, config } = this.deps;
    const postmaster = await routePostmaster(address, store, config.postmaster);
    if (postmaster.kind === 'configured') {
      // The administrator chose this address, so it is delivered like an alias even when it is remote.
      return decideRecipient(postmaster.target, { authenticated: true, trusted: true }, store);
    }
    if (postmaster.kind === 'unconfigured') {
      return { ok: false, code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown`, reason: 'unknown_user' };
    }
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined;
    const standing = { authenticated: authenticatedUser(session) !== undefined, trusted: this.isTrusted(session.remoteAddress), sender };
    return decideRecipient(address, standing, store, subAddressingFrom(this.deps.config));
  }

  private onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => {
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.on('error', (err) => cb(err));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        cb(this.reject(session, 'too_big', 552, `5.3.4 Error: message exceeds the size limit of ${this.deps.config['smtp.max_message_size_bytes']} bytes`));
        return;
      }
      this.accept(session, chunks).then(
        (id) => cb(null, `2.0.0 Ok: queued as ${id}`),
        (err: Error) => {
          if (err instanceof SmtpReply) return cb(err);
          if (isDiskFull(err)) {
            this.deps.events.emit('store.disk_full', { protocol: this.kind });
            (this.transactions.get(session)?.log ?? this.log).warn({ session: session.id }, 'refused a message: the disk is full');
            return cb(this.reject(session, 'disk_full', 452, '4.3.1 Insufficient system storage, try again later'));
          }
          this.transactions.get(session)?.log.error({ err: err.message }, 'could not queue message');
          cb(this.reject(session, 'temporary', 451, '4.3.0 Error: temporary failure storing the message, try again later'));
        },
      );
    });
  }

  private async accept(session: SMTPServerSession, chunks: Buffer[]): Promise<string> {
    const tx = this.transactions.get(session);
    if (!tx || tx.recipients.length === 0) throw new SmtpReply(503, '5.5.1 Error: need RCPT command');
    const { intake, config } = this.deps;
    const id = intake.newId();
    const header = receivedHeader({
      helo: session.hostNameAppearsAs,
      clientHostname: session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : undefined,
      clientAddress: session.remoteAddress,
      hostname: config.hostname,
      protocol: `ESMTP${session.secure ? 'S' : ''}${authenticatedUser(session) ? 'A' : ''}` as 'ESMTP',
      queueId: id,
      recipient: tx.recipients.length === 1 ? tx.recipients[0]!.address : undefined,
    });
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const checked = await this.checkSender(session, sender, chunks, tx.log);
    const envelope: Envelope = {
      sender,
      recipients: checked.junk ? tx.recipients.map((r) => (r.destination === 'local' ? { ...r, folder: 'Junk' } : r)) : tx.recipients,
      source: this.kind,
      clientAddress: session.remoteAddress,
      authUser: authenticatedUser(session),
      trace: { tls: tlsVersionOf(session) },
    };
    // RFC 6409 section 8 for the user's own mail: From must be theirs, missing fields are added.
    let added = '';
    if (envelope.authUser !== undefined) {
      const facts = readHeaderFacts(chunks);
      if (config['submission.from_policy'] === 'own') {
        for (const from of facts.from) {
          if (!(await ownsSender(envelope.authUser, from, this.deps.store))) {
            throw this.reject(session, 'sender_denied', 550, `5.7.1 From: header address <${from}> is not an address of user ${envelope.authUser}`, tx.log);
          }
        }
      }
      added = missingHeaderLines(facts, { queueId: id, hostname: config.hostname, sender: envelope.sender, now: new Date() });
    }
    // One copy of the message, with our header in front (a 100 KiB message is copied once more on its
    // way to the accept worker, and that is all).
    const signature = await this.dkimSignature(session, envelope, Buffer.from(added, 'utf8'), checked.chunks, tx.log);
    const headerBytes = Buffer.from(header + signature + added, 'utf8');
    const content = Buffer.concat([headerBytes, ...checked.chunks]);
    const hops = countReceivedHeaders(content) - 1; // not counting ours
    if (hops > MAX_RECEIVED_HEADERS) {
      tx.log.warn({ hops }, 'refused a looping message');
      throw this.reject(session, 'mail_loop', 554, `5.4.6 Error: too many hops (${hops} Received headers), probably a mail loop`);
    }
    // One DATA reply covers every recipient, so the whole message is refused when one local mailbox
    // cannot take it: the sender's server then bounces it with our reason (docs/quotas.md).
    const limited = envelope.recipients.filter((r) => r.accountId !== undefined && tx.quotaLimited.has(r.accountId));
    const full = limited.length > 0 ? await recipientOverQuota(this.deps.store, limited, content.length) : null;
    if (full) throw this.reject(session, 'over_quota', 552, mailboxFullMessage(full.address), tx.log);
    const outcome = await intake.receive({ id, envelope, content, scanMode: this.scanMode(session), log: tx.log, logContext: { session: session.id } });
    this.transactions.delete(session);
    if (outcome.kind === 'refused') throw this.reject(session, outcome.reason, outcome.code, outcome.message, tx.log);
    if (envelope.authUser !== undefined) this.deps.senderRate.record(envelope.authUser);
    return id;
  }

  /**
   * SPF, DKIM, DMARC and ARC (sender-auth/) for strangers' mail on the MX: the message comes back with
   * Authentication-Results in front and forged ones removed, for Junk when DMARC says quarantine, or the
   * check refuses it (DMARC reject, or a DNS failure when smtp.sender_auth_temperror says tempfail).
   */
  private async checkSender(session: SMTPServerSession, mailFrom: string, chunks: Buffer[], log: Logger): Promise<{ chunks: Buffer[]; junk: boolean }> {
    if (!this.senderAuth || authenticatedUser(session) !== undefined || this.isTrusted(session.remoteAddress)) return { chunks, junk: false };
    const verdict = await this.senderAuth.check({ message: Buffer.concat(chunks), clientAddress: session.remoteAddress, helo: session.hostNameAppearsAs, mailFrom });
    log.info({ ...verdict.results }, 'sender checks');
    if (verdict.kind === 'refuse') throw this.reject(session, verdict.reason, verdict.code, verdict.message, log);
    return { chunks: [verdict.content], junk: verdict.junk };
  }

  /**
   * DKIM-Signature for our own users' mail leaving for other servers (dkim/): signed here, at acceptance,
   * so the durable copy in the queue is byte for byte what is sent, and every retry carries the same
   * signature. Strangers' mail and mail only for local mailboxes are not signed. A signing failure sends
   * the message unsigned (counted and logged) rather than refusing it.
   */
  private async dkimSignature(session: SMTPServerSession, envelope: Envelope, added: Buffer, chunks: Buffer[], log: Logger): Promise<string> {
    if (!this.deps.config['dkim.enabled']) return '';
    if (envelope.authUser === undefined && !this.isTrusted(session.remoteAddress)) return '';
    if (!envelope.recipients.some((r) => r.destination === 'remote')) return '';
    const result = await this.dkimSigner.sign(Buffer.concat([added, ...chunks]), fromDomain(readHeaderFacts(chunks).from));
    if (result.kind === 'failed') log.warn({ error: result.error }, 'DKIM signing failed; sent unsigned');
    return result.kind === 'signed' ? result.header : '';
  }

  /** Strangers' mail is checked for everything; what authenticated users send follows scan.authenticated. */
  private scanMode(session: SMTPServerSession): ScanMode {
    return authenticatedUser(session) === undefined ? 'all' : this.deps.config['scan.authenticated'];
  }
}

/** The TLS version of the session's connection for the message history; smtp-server keeps the cipher. */
function tlsVersionOf(session: SMTPServerSession): string | undefined {
  const cipher = (session as SMTPServerSession & { tlsOptions?: { version?: string } | false }).tlsOptions;
  return session.secure && cipher ? cipher.version : undefined;
}
