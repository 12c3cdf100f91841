// The *server* component: the client listeners plus the delivery scheduler. start() and stop() open
// and close them while the *service* (process, admin API, metrics) keeps running. Sessions in progress
// get server.shutdown_grace_seconds to finish.
import type { AddressInfo } from 'node:net';
import type { Authenticator } from '../auth/authenticator.ts';
import { ExternalFetcher } from '../fetch/fetcher.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import type { Config } from '../config/settings.ts';
import type { Intake } from '../delivery/intake.ts';
import type { DeliveryScheduler } from '../delivery/scheduler.ts';
import { ImapListener } from '../imap/listener.ts';
import { ImapFactsFiller } from '../imap/facts-filler.ts';
import { Pop3Listener } from '../pop3/listener.ts';
import { SmtpListener } from '../smtp/listener.ts';
import type { ServerCertificate } from '../net/server-certificate.ts';
import { GreetingPasses } from '../smtp/greeting-passes.ts';
import { SenderRate } from '../smtp/sender-rate.ts';
import type { Store } from '../store/store.ts';
import { IMPLICIT_TLS_LISTENERS, type EventBus, type ListenerName, type Protocol } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { ListenerInfo } from '../net/listener-info.ts';
import { connectLookup } from '../dns/connect-lookup.ts';
import { dnsFor } from '../dns/resolver.ts';

export type { ListenerInfo } from '../net/listener-info.ts';

export interface MailServerDeps {
  config: Config;
  store: Store;
  intake: Intake;
  events: EventBus;
  sessions: SessionRegistry;
  scheduler: DeliveryScheduler;
  tls: ServerCertificate;
  /** Owned by the service (bans outlive a server stop): logins and the bans the listeners enforce. */
  auth: Authenticator;
}

type State = 'stopped' | 'starting' | 'running' | 'stopping';

export class MailServer {
  private state: State = 'stopped';
  private listeners: Array<SmtpListener | ImapListener | Pop3Listener> = [];
  private bound: ListenerInfo[] = [];
  private startedAt: number | null = null;
  private readonly log: Logger = logger('application');
  private transition: Promise<void> = Promise.resolve();
  /** External POP3 accounts are collected only while the server runs, like delivery. */
  private readonly fetcher: ExternalFetcher;
  /** Kept across stop and start, as the service keeps bans: a restart of the listeners forgets neither. */
  private readonly greetingPasses: GreetingPasses;
  private readonly senderRate: SenderRate;
  /** Parses new mail for IMAP in the background while IMAP is served (imap/facts-filler.ts). */
  private readonly factsFiller: ImapFactsFiller;

  constructor(private readonly deps: MailServerDeps) {
    const { config, store, intake } = deps;
    this.greetingPasses = new GreetingPasses(config['smtp.greeting_pass_ttl_seconds'] * 1000);
    this.senderRate = new SenderRate(config['submission.rate_per_hour']);
    this.fetcher = new ExternalFetcher({
      store,
      intake,
      hostname: config.hostname,
      maxMessageBytes: config['smtp.max_message_size_bytes'],
      log: logger('delivery'),
      lookup: connectLookup(dnsFor(config)),
    });
    this.factsFiller = new ImapFactsFiller(store, logger('imap'));
  }

  /** Fetches one external account now; null when the server is stopped (nothing is fetched then). */
  async fetchNow(id: number): Promise<Awaited<ReturnType<ExternalFetcher['fetchNow']>> | null> {
    if (this.state !== 'running') return null;
    const account = await this.deps.store.getFetchAccount(id);
    if (!account) throw new Error(`no external account ${id}`);
    return this.fetcher.fetchNow(account);
  }

  get running(): boolean {
    return this.state === 'running';
  }

  get startTime(): number | null {
    return this.startedAt;
  }

  get listenerInfo(): readonly ListenerInfo[] {
    return this.bound;
  }

  /** Starts listeners and delivery. Idempotent; concurrent calls are serialised. */
  start(): Promise<void> {
    this.transition = this.transition.then(() => this.doStart());
    return this.transition;
  }

  stop(): Promise<void> {
    this.transition = this.transition.then(() => this.doStop());
    return this.transition;
  }

  private async doStart(): Promise<void> {
    if (this.state === 'running') return;
    this.state = 'starting';
    const { config } = this.deps;
    const smtpDeps = { ...this.deps, greetingPasses: this.greetingPasses, senderRate: this.senderRate };
    // Each listener off when its port is: the implicit TLS ones (RFC 8314) are off unless configured.
    const wanted: Array<[ListenerName, number | null, () => SmtpListener | ImapListener | Pop3Listener]> = [
      ['smtp', config['smtp.port'], () => new SmtpListener('smtp', smtpDeps)],
      ['submission', config['submission.port'], () => new SmtpListener('submission', smtpDeps)],
      ['submissions', config['submissions.port'], () => new SmtpListener('submission', smtpDeps, true)],
      ['imap', config['imap.port'], () => new ImapListener(this.deps)],
      ['imaps', config['imaps.port'], () => new ImapListener(this.deps, true)],
      ['pop3', config['pop3.port'], () => new Pop3Listener(this.deps)],
      ['pop3s', config['pop3s.port'], () => new Pop3Listener(this.deps, true)],
    ];
    try {
      for (const [name, port, create] of wanted) {
        if (port === null) continue;
        const listener = create();
        const address: AddressInfo = await listener.listen(port, config.bind);
        this.listeners.push(listener);
        const implicit = name in IMPLICIT_TLS_LISTENERS;
        const protocol: Protocol = implicit ? IMPLICIT_TLS_LISTENERS[name as keyof typeof IMPLICIT_TLS_LISTENERS] : (name as Protocol);
        this.bound.push({ name, protocol, address: address.address, port: address.port, tls: implicit ? 'implicit' : 'starttls' });
      }
      await this.deps.scheduler.start();
      this.fetcher.start();
      if (config['imap.port'] !== null || config['imaps.port'] !== null) this.factsFiller.start();
    } catch (err) {
      await Promise.allSettled(this.listeners.map((l) => l.close()));
      this.listeners = [];
      this.bound = [];
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    this.startedAt = Date.now();
    this.log.info({ listeners: this.bound }, 'server started');
    this.deps.events.emit('server.started', { at: this.startedAt });
  }

  private async doStop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    const graceMs = this.deps.config['server.shutdown_grace_seconds'] * 1000;
    await Promise.all([Promise.allSettled(this.listeners.map((l) => l.close())), this.deps.scheduler.stop(graceMs), this.fetcher.stop(graceMs), this.factsFiller.stop()]);
    this.listeners = [];
    this.bound = [];
    this.state = 'stopped';
    this.startedAt = null;
    this.log.info('server stopped; the service keeps running');
    this.deps.events.emit('server.stopped', { at: Date.now() });
  }
}
