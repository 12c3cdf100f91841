// The *service*: the running process. It opens the store, brings up the admin port first (so health
// checks answer even while the server is stopped or failing), then starts the server component.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdminApp, listenAdmin } from '../admin/app.ts';
import type { Config } from '../config/settings.ts';
import { MessageIntake } from '../delivery/accept.ts';
import { QueueOperations } from '../delivery/queue-ops.ts';
import { DeliveryScheduler } from '../delivery/scheduler.ts';
import { loadTls } from '../smtp/tls.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { MailServer } from './mail-server.ts';
import { SessionRegistry } from './session-registry.ts';

export class Service {
  readonly events = new EventBus();
  readonly sessions = new SessionRegistry(this.events);
  readonly store: Store;
  readonly intake: MessageIntake;
  readonly scheduler: DeliveryScheduler;
  readonly queue: QueueOperations;
  private mailServer: MailServer | null = null;
  private admin: http.Server | null = null;
  private adminAddress: AddressInfo | null = null;
  private readonly log = logger('application');

  constructor(readonly config: Config) {
    this.store = openStore(config);
    this.intake = new MessageIntake(this.store, this.events);
    this.scheduler = new DeliveryScheduler(config, this.store, this.intake, this.events);
    this.queue = new QueueOperations(this.store, this.scheduler);
  }

  get server(): MailServer {
    if (!this.mailServer) throw new Error('service not started');
    return this.mailServer;
  }

  get adminPort(): number | null {
    return this.adminAddress?.port ?? null;
  }

  async start(): Promise<void> {
    const tls = await loadTls(this.config);
    this.mailServer = new MailServer({ config: this.config, store: this.store, intake: this.intake, events: this.events, sessions: this.sessions, scheduler: this.scheduler, tls });
    const adminPort = this.config['admin.port'];
    if (adminPort !== null) {
      const { server, address } = await listenAdmin(createAdminApp({ server: this.mailServer }), adminPort, this.config.bind);
      this.admin = server;
      this.adminAddress = address;
    }
    this.log.info({ database: this.store.info, admin: this.adminAddress }, 'service started');
    if (this.config['server.autostart']) await this.mailServer.start();
  }

  async stop(): Promise<void> {
    await this.mailServer?.stop();
    await new Promise<void>((resolve) => (this.admin ? this.admin.close(() => resolve()) : resolve()));
    this.admin?.closeAllConnections();
    await this.store.close();
    this.log.info('service stopped');
  }
}
