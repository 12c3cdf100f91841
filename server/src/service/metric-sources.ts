// Connects the metric catalogue's scrape-time gauges to the live state they mirror.
import { DKIM_SIGNATURES } from '../dkim/stats.ts';
import type { ScannerHealth } from '../scan/health.ts';
import type { SelfTest } from '../selftest/self-test.ts';
import { logStats } from '../telemetry/log.ts';
import type { LoggingHandles } from './logging-setup.ts';
import type { MetricSources } from '../telemetry/metrics.ts';
import { quotaUseRatio } from '../store/quota-limits.ts';
import type { Store } from '../store/store.ts';
import type { QueueState } from '../store/types.ts';
import type { MailServer } from './mail-server.ts';
import type { SessionRegistry } from '../net/session-registry.ts';
import { VERSION } from './version.ts';
import { dnsQueryCounts } from '../dns/stats.ts';
import { authCheckCounts } from '../sender-auth/stats.ts';

const STATES: QueueState[] = ['queued', 'deferred', 'held', 'in_flight'];

/** mailroom_accounts_near_quota counts accounts at or above this share of a limit (the 90%). */
const NEAR_QUOTA = 0.9;

export function metricSources(store: Store, sessions: SessionRegistry, server: () => MailServer | null, selfTest: SelfTest, logging: LoggingHandles, scanners: () => ScannerHealth[]): MetricSources {
  // One scrape reads the queue gauges twice (count and age); share one query per scrape.
  let cached: { at: number; value: Awaited<ReturnType<MetricSources['queue']>> } | null = null;
  return {
    sessions: () => sessions.counts(),
    listenerSessions: () => sessions.countsByListener(),
    server: () => ({ running: server()?.running ?? false, startedAt: server()?.startTime ?? null }),
    async queue() {
      if (cached && Date.now() - cached.at < 500) return cached.value;
      const byState = {} as Record<QueueState, number>;
      for (const state of STATES) byState[state] = (await store.listQueue({ state, offset: 0, limit: 1 }, Date.now())).total;
      const oldest = (await store.listQueue({ offset: 0, limit: 1, sort: 'created' }, Date.now())).items[0];
      cached = { at: Date.now(), value: { byState, oldestCreatedAt: oldest ? oldest.createdAt : null } };
      return cached.value;
    },
    warnings: () => selfTest.warnings,
    bansActive: () => store.countActiveBans(Date.now()),
    accountsNearQuota: async () => (await store.listQuotas()).filter((q) => quotaUseRatio(q) >= NEAR_QUOTA).length,
    nodes: () =>
      store.cluster.listNodes().then(
        (nodes) => nodes.filter((n) => !n.stoppedCleanly).map((n) => ({ name: n.name, up: n.up })),
        () => null,
      ),
    logging: () => ({ lines: logStats.lines, enabled: logging.switches.snapshot(), liveDropped: logging.live.dropped, stdoutDropped: logStats.stdoutDropped }),
    // As last seen: a scrape never contacts the daemons.
    scanners: () => scanners().map((h) => ({ scanner: h.scanner, available: h.circuit === 'closed' })),
    loki: () => logging.loki?.snapshot() ?? null,
    dnsQueries: dnsQueryCounts,
    authChecks: authCheckCounts,
    dkimSignatures: () => Object.entries(DKIM_SIGNATURES).map(([result, count]) => ({ result, count })),
    build: { version: VERSION, database: store.info.driver, databaseVersion: store.info.version },
  };
}
