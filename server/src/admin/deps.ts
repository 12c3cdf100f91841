// What the admin API reads and drives: handed in by the service, so routes never reach for globals.
import type { Config } from '../config/settings.ts';
import type { MessageIntake } from '../delivery/accept.ts';
import type { QueueOperations } from '../delivery/queue-ops.ts';
import type { SelfTest } from '../selftest/self-test.ts';
import type { MailServer } from '../service/mail-server.ts';
import type { LoggingHandles } from '../service/logging-setup.ts';
import type { ContentScan } from '../delivery/content-scan.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { Store } from '../store/store.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { TokenTable } from './auth.ts';

export interface AdminDeps {
  config: Config;
  version: string;
  server: MailServer;
  queue: QueueOperations;
  store: Store;
  sessions: SessionRegistry;
  intake: MessageIntake;
  metrics: Metrics;
  tokens: TokenTable;
  selfTest: SelfTest;
  metricsToken?: string | undefined;
  logging: LoggingHandles;
  /** Scanning for injected messages, and the scanners' health for GET /api/v1/server. */
  scan: ContentScan;
}
