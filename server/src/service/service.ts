// The *service*: the running process. It opens the store, brings up the admin port first (so health
// checks and the API answer even while the server is stopped or failing), then starts the server.
import { applyReload, type ReloadResult } from '../config/reload.ts';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminApp, listenAdmin } from '../admin/app.ts';
import { AutoBan, autoBanSettings } from '../bans/auto-ban.ts';
import { BanList } from '../bans/ban-list.ts';
import { banWarnings } from '../selftest/checks-bans.ts';
import { TokenTable } from '../admin/auth.ts';
import { IssuedTokens } from '../admin/issued-tokens.ts';
import { AuditTrail } from '../audit/audit-trail.ts';
import type { Config } from '../config/settings.ts';
import { MessageIntake } from '../delivery/accept.ts';
import { QueueOperations } from '../delivery/queue-ops.ts';
import { DeliveryScheduler } from '../delivery/scheduler.ts';
import { dnsFor } from '../dns/resolver.ts';
import { dnsCheck } from '../selftest/checks-dns.ts';
import { SelfTest } from '../selftest/self-test.ts';
import { ContentScan, scannerFromConfig, scanPolicy } from '../delivery/content-scan.ts';
import { loadTls } from '../net/tls-material.ts';
import { ServerCertificate } from '../net/server-certificate.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { EventBus } from '../telemetry/events.ts';
import { EventLoopWatchdog } from '../telemetry/event-loop-watchdog.ts';
import { categorySwitches, liveLog, logger, setLogLevel } from '../telemetry/log.ts';
import { debugCategoryWarnings, lokiWarnings } from '../selftest/checks-logging.ts';
import { scannerWarnings } from '../selftest/checks-scan.ts';
import type { LoggingHandles } from './logging-setup.ts';
import { Authenticator } from '../auth/authenticator.ts';
import { Intake } from '../delivery/intake.ts';
import { createMetrics, type Metrics } from '../telemetry/metrics.ts';
import { feedMetrics } from '../telemetry/metrics-from-events.ts';
import { MailServer } from './mail-server.ts';
import { metricSources } from './metric-sources.ts';
import { SessionRegistry } from '../net/session-registry.ts';
import { VERSION } from './version.ts';
import { setMaxKeywordsPerMessage } from '../store/flag-changes.ts';
import { setQuotaDefaults } from '../store/quota-limits.ts';
import { NodePresence } from './node-presence.ts';
import { clusterWarnings, MAX_CLOCK_SKEW_MS } from '../selftest/checks-cluster.ts';

export interface ServiceOptions {
  /** Reads the configuration again, as at start; enables reload() (mailroom serve passes its loader). */
  reloadConfig?: () => Config;
}

export class Service {
  readonly events = new EventBus();
  readonly sessions = new SessionRegistry(this.events);
  readonly store: Store;
  /** Durable acceptance (group commit); the scheduler is woken by it. */
  readonly accepting: MessageIntake;
  /** Scan, then accept: the one way mail from outside comes in (SMTP, injection, external POP3). */
  readonly intake: Intake;
  /** Logins and bans for every protocol. */
  readonly auth: Authenticator;
  readonly scheduler: DeliveryScheduler;
  readonly queue: QueueOperations;
  readonly metrics: Metrics;
  readonly selfTest: SelfTest;
  readonly scan: ContentScan;
  /** Bans outlive a server stop: the admin API lists and lifts them while the listeners are down. */
  readonly bans: BanList;
  private readonly autoBan: AutoBan;
  private tls: ServerCertificate | null = null;
  private mailServer: MailServer | null = null;
  private admin: http.Server | null = null;
  private adminAddress: AddressInfo | null = null;
  private readonly log = logger('application');
  private readonly watchdog: EventLoopWatchdog;
  private readonly issuedTokens: IssuedTokens;
  /** Who changed what: admin API, refusals, the CLI (audit/). Not a log category: nothing switches it off. */
  readonly audit: AuditTrail;
  /** This node in the nodes table: heartbeat, and the state operators ask for from any node. */
  readonly presence: NodePresence;
  /** Reads the configuration again (the YAML file and the environment), for a reload; null: nothing to re-read. */
  private reloadSource: (() => Config) | null = null;

  /**
   * SIGHUP and POST /api/v1/server/reload: applies what can change while running (service/reload.ts) and
   * logs what changed and what needs a restart. A bad configuration throws its ConfigError (the message a
   * start would give) and nothing changes.
   */
  reload(): ReloadResult {
    if (!this.reloadSource) throw new Error('this service was not started from a configuration it can read again');
    const next = this.reloadSource();
    const result = applyReload(this.config, next);
    if (result.applied.some((c) => c.key === 'log.level')) setLogLevel(this.config['log.level']);
    this.log.info(
      { applied: result.applied.map((c) => c.key), restartNeeded: result.restartNeeded.map((c) => c.key) },
      result.restartNeeded.length > 0 ? 'configuration reloaded; some changes need a restart' : 'configuration reloaded',
    );
    for (const change of result.restartNeeded) this.log.warn({ setting: change.key, running: change.from, configured: change.to }, 'changed setting needs a restart to take effect');
    this.selfTest.runSoon();
    return result;
  }

  /** Opens the store (over the network for PostgreSQL: a fault there is one clear error), then builds the service on it. */
  static async open(config: Config, logging?: LoggingHandles, options: ServiceOptions = {}): Promise<Service> {
    const log = logger('application');
    const store = await openStore(config, {
      onConnectionError: (err) => log.warn({ err: err.message }, 'a database connection failed; the next query opens a new one'),
      // Called only once the service below exists (a lease is lost after a claim, never while opening).
      onLeaseLost: (count) => service.metrics.queueLeasesLost.inc(count),
    });
    const service = new Service(config, store, logging);
    service.reloadSource = options.reloadConfig ?? null;
    return service;
  }

  constructor(
    readonly config: Config,
    store: Store,
    readonly logging: LoggingHandles = { switches: categorySwitches(), loki: null, live: liveLog },
  ) {
    this.store = store;
    const issuedTokens = new IssuedTokens(config.data_dir);
    this.issuedTokens = issuedTokens;
    this.audit = new AuditTrail(config.data_dir, { live: logging.live, loki: logging.loki, stdout: (line) => process.stdout.write(`${line}\n`) });
    this.accepting = new MessageIntake(this.store, this.events, () => this.scheduler.isRunning, config['cluster.node_name']);
    this.scheduler = new DeliveryScheduler(config, this.store, this.accepting, this.events);
    this.queue = new QueueOperations(this.store, this.scheduler);
    this.selfTest = new SelfTest(config, this.store, () => (this.tls ? { pem: this.tls.material.cert, selfSigned: this.tls.material.selfSigned, file: this.tls.material.certFile } : null), {
      intervalMs: config['selftest.interval_seconds'] * 1000,
      minFreeDiskBytes: config['selftest.min_free_disk_bytes'],
      maxQueueAgeSeconds: config['selftest.max_queue_age_seconds'],
      issuedTokenCount: () => {
        try {
          return issuedTokens.list().length;
        } catch {
          return 0;
        }
      },
    });
    if (logging.loki) this.selfTest.addCheck(lokiWarnings(logging.loki));
    this.selfTest.addCheck(() => debugCategoryWarnings(logging.switches));
    this.scan = new ContentScan(scannerFromConfig(config), scanPolicy(config), this.store, this.events);
    if (this.scan.enabled) {
      this.selfTest.addCheck(scannerWarnings(this.scan.scanner, config['scan.unavailable_action']));
      // A scan that finds a daemon gone (or back) updates the warnings now, not at the next interval.
      this.scan.onHealthChange(() => this.selfTest.runSoon());
    }
    this.intake = new Intake(this.accepting, this.scan);
    this.bans = new BanList(this.store, { loopback: config['auth.ban_loopback'] }, logger('application'));
    this.auth = new Authenticator({ config, store: this.store, events: this.events, bans: this.bans });
    this.autoBan = new AutoBan(this.events, this.bans, autoBanSettings(config), logger('application'));
    this.selfTest.addCheck(banWarnings(this.store, config['auth.ban_loopback']));
    // A ban added or lifted shows in the warnings now, not at the next interval.
    this.bans.onChange(() => this.selfTest.runSoon());
    // A ban ends the address's open sessions too: a session opened before it must not keep guessing.
    this.bans.onBanned((address) => {
      const count = this.sessions.closeFrom(address);
      if (count > 0) {
        this.log.info({ remote: address, sessions: count }, 'closed the open sessions of a banned address');
        this.events.emit('sessions.closed_by_ban', { count });
      }
    });
    // Another node's ban or queue action, heard now rather than at the next poll (PostgreSQL only).
    this.store.onChange('bans', () => this.bans.reload());
    this.store.onChange('queue', () => this.scheduler.wake());
    this.metrics = createMetrics(
      metricSources(
        this.store,
        this.sessions,
        () => this.mailServer,
        this.selfTest,
        logging,
        () => this.scan.scanner.health(),
      ),
    );
    logging.lokiRequests?.attach((statusCode, seconds) => this.metrics.lokiRequestDuration.observe({ status_code: statusCode }, seconds));
    feedMetrics(this.events, this.metrics);
    // Both stores check keywords per message through flag-changes.ts, which holds the process's one value.
    setMaxKeywordsPerMessage(config['limits.max_keywords_per_message']);
    setQuotaDefaults(config['quota.default_bytes'], config['quota.default_messages']);
    this.presence = new NodePresence({
      cluster: store.cluster,
      identity: {
        name: config['cluster.node_name'],
        version: VERSION,
        schemaVersion: store.schemaVersion,
        leaseMs: config['cluster.lease_seconds'] * 1000,
        desired: config['server.autostart'] ? 'running' : 'stopped',
      },
      report: () => ({ running: this.mailServer?.running ?? false, sessions: this.sessions.counts() }),
      apply: (desired) => (desired === 'running' ? this.server.start() : this.server.stop()),
      onClusterChange: () => this.selfTest.runSoon(),
      maxClockSkewMs: MAX_CLOCK_SKEW_MS,
      log: this.log,
    });
    this.selfTest.addCheck(
      clusterWarnings({
        cluster: store.cluster,
        self: config['cluster.node_name'],
        schemaVersion: store.schemaVersion,
        clockSkewMs: () => this.presence.clockSkewMs,
        databaseUrl: config['database.url'],
      }),
    );
    this.watchdog = new EventLoopWatchdog({
      observe: (seconds) => this.metrics.eventLoopDelay.observe(seconds),
      warningMs: config['limits.event_loop_delay_warning_ms'],
      log: this.log,
    });
  }

  get server(): MailServer {
    if (!this.mailServer) throw new Error('service not started');
    return this.mailServer;
  }

  get adminPort(): number | null {
    return this.adminAddress?.port ?? null;
  }

  async start(): Promise<void> {
    // First: a second live node under this name must not bind a port or touch the queue.
    await this.presence.register();
    const tls = new ServerCertificate(await loadTls(this.config), this.log);
    this.tls = tls;
    const { config, store, intake, events, sessions, scheduler, scan, bans, auth } = this;
    this.watchdog.start();
    this.audit.start();
    await bans.start();
    this.autoBan.start();
    this.mailServer = new MailServer({ config, store, intake, events, sessions, scheduler, tls, auth });
    const adminPort = config['admin.port'];
    if (adminPort !== null) {
      const configured = [...(config['admin.token'] ? [{ name: 'admin-token', role: 'admin' as const, token: config['admin.token'] }] : []), ...config['admin.tokens']];
      const tokens = new TokenTable(configured, this.issuedTokens, (err) => this.log.error({ err: err.message }, 'issued admin tokens unreadable; only configured tokens are accepted'));
      if (tokens.size === 0) this.log.warn('no admin token configured (MAILROOM_ADMIN_TOKEN, or `mailroom token create`): the admin API refuses every request');
      const app = createAdminApp({
        config,
        version: VERSION,
        server: this.mailServer,
        queue: this.queue,
        store,
        sessions,
        intake,
        bans,
        metrics: this.metrics,
        events,
        tokens,
        selfTest: this.selfTest,
        metricsToken: config['admin.metrics_token'],
        logging: this.logging,
        scan,
        audit: this.audit,
        node: this.presence,
        reload: () => this.reload(),
      });
      const { server, address } = await listenAdmin(app, adminPort, config.bind);
      this.admin = server;
      this.adminAddress = address;
    }
    this.log.info({ version: VERSION, database: store.info, admin: this.adminAddress, scanners: scan.scanner.health().map((h) => `${h.scanner} at ${h.address}`) }, 'service started');
    await this.selfTest.run();
    // The DNS check asks the world and may wait for dns.timeout_ms: added after the first run so that start
    // never waits for it; the scheduled run that start() begins at once includes it.
    this.selfTest.addCheck(dnsCheck({ dns: dnsFor(config), hostname: config.hostname, domains: () => store.listDomains(), dkimKeys: () => store.listDkimKeys() }));
    this.selfTest.start();
    if (config['server.autostart']) await this.mailServer.start();
    this.presence.start();
  }

  async stop(): Promise<void> {
    this.watchdog.stop();
    this.audit.stop();
    this.selfTest.stop();
    this.presence.halt(); // its poll must not start the server again while it stops
    await this.mailServer?.stop();
    await this.presence.stop();
    this.autoBan.stop();
    this.bans.stop();
    if (this.admin) {
      const closed = new Promise<void>((resolve) => this.admin!.close(() => resolve()));
      this.admin.closeAllConnections();
      await closed;
    }
    this.scan.scanner.close();
    await this.store.close();
    this.log.info('service stopped');
    // Last: the lines above should reach Loki too. Lines still held after the deadline are counted.
    await this.logging.loki?.close(5000);
  }
}
