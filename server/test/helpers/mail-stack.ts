// An in-process Mailroom: the real Service (store, SMTP, IMAP, POP3, delivery) on ephemeral loopback
// ports with a temporary data dir, in the test process, so tests can also look at its events, session
// registry and store. Tests that need only the network use MailroomProcess (the real `mailroom serve`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../../src/auth/password.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/settings.ts';
import { Service } from '../../src/service/service.ts';
import type { MailboxStore } from '../../src/store/mailbox-store.ts';
import type { Store } from '../../src/store/store.ts';
import { CategorySwitches } from '../../src/telemetry/log-categories.ts';
import { configureLogging } from '../../src/telemetry/log.ts';
import { assertLoopbackDns, emptyZoneDns } from './dns-server.ts';
import { waitFor } from './mailbox.ts';

export type FullStore = Store & MailboxStore;

export class MailStack {
  /** Bound ports by listener name; the implicit TLS ones (submissions, imaps, pop3s) stay 0 unless configured. */
  readonly ports = { smtp: 0, submission: 0, imap: 0, pop3: 0, submissions: 0, imaps: 0, pop3s: 0 };

  private constructor(
    readonly dataDir: string,
    readonly config: Config,
    readonly service: Service,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<MailStack> {
    await configureLogging({ level: process.env.MAILROOM_TEST_LOG_LEVEL ?? 'error', switches: new CategorySwitches(['application', 'delivery']) });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-stack-'));
    const finalEnv = {
      MAILROOM_DATA_DIR: dataDir,
      MAILROOM_HOSTNAME: 'mx.mailroom.test',
      MAILROOM_BIND: '127.0.0.1',
      MAILROOM_SMTP_PORT: '0',
      MAILROOM_SUBMISSION_PORT: '0',
      MAILROOM_IMAP_PORT: '0',
      MAILROOM_POP3_PORT: '0',
      MAILROOM_ADMIN_PORT: 'off',
      MAILROOM_SMTP_GREETING_DELAY_MS: '0',
      MAILROOM_SERVER_SHUTDOWN_GRACE_SECONDS: '1',
      // Never the system's resolvers: a DNS server on loopback (an empty zone unless the test brings one).
      MAILROOM_DNS_SERVERS: (await emptyZoneDns()).address,
      ...env,
    };
    assertLoopbackDns(finalEnv);
    const config = loadConfig({ env: finalEnv });
    const service = await Service.open(config);
    await service.start();
    const stack = new MailStack(dataDir, config, service);
    for (const l of service.server.listenerInfo) stack.ports[l.name] = l.port;
    return stack;
  }

  get store(): FullStore {
    return this.service.store as FullStore;
  }

  async addAccount(address: string, password: string): Promise<number> {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if (!(await this.store.isLocalDomain(domain))) await this.store.addDomain(domain);
    return (await this.store.addAccount(address, await hashPassword(password))).id;
  }

  /** Queues a message for a local account the way SMTP does, and waits until delivery files it. */
  async deliver(to: string, content: string | Buffer): Promise<void> {
    const account = await this.store.findAccount(to);
    if (!account) throw new Error(`no account ${to}`);
    const inbox = (await this.store.findMailbox(account.id, 'INBOX'))!;
    const before = (await this.store.listMail(inbox.id)).length;
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content.replace(/\r?\n/g, '\r\n'));
    const intake = this.service.accepting;
    await intake.accept(intake.newId(), { sender: 'sender@remote.test', recipients: [{ address: to, destination: 'local', accountId: account.id }], source: 'smtp' }, body);
    await waitFor(
      () => this.store.listMail(inbox.id),
      (m) => m.length > before,
      10_000,
      `delivery to ${to}`,
    );
  }

  /** A server stop: listeners close, the service keeps running. */
  async closeListeners(): Promise<void> {
    await this.service.server.stop();
  }

  async stop(): Promise<void> {
    await this.service.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
