// What the admin API reads and drives: handed in by the service, so routes never reach for globals.
import type { Config } from '../config/settings.ts';
import type { BanList } from '../bans/ban-list.ts';
import type { Intake } from '../delivery/intake.ts';
import type { FetchResult } from '../fetch/fetch-run.ts';
import type { ListenerInfo } from '../net/listener-info.ts';
import type { QueueOperations } from '../delivery/queue-ops.ts';
import type { SelfTest } from '../selftest/self-test.ts';
import type { LoggingHandles } from '../telemetry/logging-handles.ts';
import type { ContentScan } from '../delivery/content-scan.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import type { Store } from '../store/store.ts';
import type { EventBus } from '../telemetry/events.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { TokenTable } from './auth.ts';
import type { AuditRecorder } from '../audit/audit-trail.ts';
import type { DesiredState } from '../store/cluster-store.ts';
import type { ReloadResult } from '../config/reload.ts';

/** The server component (listeners and delivery) as the admin API drives it: hMailServer's start/stop. */
export interface ServerControl {
  readonly running: boolean;
  readonly startTime: number | null;
  readonly listenerInfo: readonly ListenerInfo[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Fetches one external POP3 account now; null while the server is stopped. */
  fetchNow(id: number): Promise<(FetchResult & { error: string | null }) | null>;
}

export interface AdminDeps {
  config: Config;
  version: string;
  server: ServerControl;
  queue: QueueOperations;
  store: Store;
  sessions: SessionRegistry;
  /** Scan, then accept: message injection enters like SMTP mail. */
  intake: Intake;
  /** The bans the listeners enforce: a change here applies at once. */
  bans: BanList;
  metrics: Metrics;
  /** Where wrong tokens are reported (mailroom_admin_auth_failures_total). */
  events: EventBus;
  tokens: TokenTable;
  selfTest: SelfTest;
  metricsToken?: string | undefined;
  logging: LoggingHandles;
  /** The scanners' health for GET /api/v1/server. */
  scan: ContentScan;
  /** Where actions and refusals are recorded (audit/), and read back by GET /api/v1/audit. */
  audit: AuditRecorder;
  /** This node: its name, and the desired state /api/v1/server/start|stop keeps in step (nodes table). */
  node: NodeControl;
  /** POST /api/v1/server/reload: the configuration read again (service/reload.ts); throws ConfigError for a bad one. */
  reload?: () => ReloadResult;
}

/** The answering node as the nodes API needs it (service/node-presence.ts). */
export interface NodeControl {
  readonly name: string;
  setDesired(desired: DesiredState): Promise<void>;
}
