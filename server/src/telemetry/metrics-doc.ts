// Renders docs/metrics.md from the live metric catalogue, so the documentation lists exactly what
// /metrics serves. `npx tsx server/src/telemetry/metrics-doc.ts --write` regenerates the file;
// metrics-doc.test.ts fails when the committed file differs.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CLUSTER_WIDE_METRICS, createMetrics, type MetricSources } from './metrics.ts';

export const DOC_PATH = fileURLToPath(new URL('../../../docs/metrics.md', import.meta.url));

const idleSources: MetricSources = {
  sessions: () => ({ smtp: 0, submission: 0, pop3: 0, imap: 0 }),
  listenerSessions: () => ({ smtp: 0, submission: 0, submissions: 0, pop3: 0, pop3s: 0, imap: 0, imaps: 0 }),
  server: () => ({ running: false, startedAt: null }),
  queue: async () => ({ byState: { queued: 0, deferred: 0, held: 0, in_flight: 0 }, oldestCreatedAt: null }),
  warnings: () => [],
  bansActive: async () => 0,
  accountsNearQuota: async () => 0,
  nodes: async () => [],
  logging: () => ({
    lines: { smtp: 0, submission: 0, pop3: 0, imap: 0, tcpip: 0, delivery: 0, application: 0, debug: 0 },
    enabled: { smtp: false, submission: false, pop3: false, imap: false, tcpip: false, delivery: false, application: false, debug: false },
    liveDropped: 0,
    stdoutDropped: 0,
  }),
  scanners: () => [
    { scanner: 'clamd', available: true },
    { scanner: 'spamd', available: true },
  ],
  loki: () => null,
  dnsQueries: () => [],
  authChecks: () => [],
  dkimSignatures: () => [],
  build: { version: 'x', database: 'sqlite', databaseVersion: 'x' },
};

export async function renderMetricsDoc(): Promise<string> {
  const { registry } = createMetrics(idleSources);
  const metrics = (await registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('mailroom_'));
  const rows = metrics.map((m) => {
    const labels = ((registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? []).filter((l) => l !== 'le');
    return `| \`${m.name}\` | ${m.type} | ${labels.map((l) => `\`${l}\``).join(', ') || '–'} | ${m.help} |`;
  });
  return [
    '# Metrics',
    '',
    'Everything Mailroom exports at `GET /metrics` on the admin port (Prometheus text format). Generated from',
    'the metric catalogue (`server/src/telemetry/metrics.ts`) by `npx tsx server/src/telemetry/metrics-doc.ts --write`;',
    'a test fails when this file and the live registry differ.',
    '',
    'Labels are bounded: they never carry addresses, domains, queue ids or user names. Every known label set',
    'exists at 0 from the first scrape. Counters only grow while the process runs and survive a server',
    'stop/start (the service keeps running); gauges that mirror state are read at scrape time.',
    '',
    "The process also exports prom-client's default `process_*` and `nodejs_*` metrics, among them",
    '`process_start_time_seconds` (when the service started, as opposed to `mailroom_server_start_time_seconds`).',
    '',
    '## Several nodes: cluster-wide and per-node metrics',
    '',
    'With several nodes on one PostgreSQL database (docs/postgresql.md) Prometheus scrapes every node, each',
    'as its own `instance`. These metrics are **cluster-wide**: read from the shared database at scrape time,',
    'every node reports the same values, so dashboards and rules take `max` across instances, never `sum`:',
    '',
    ...CLUSTER_WIDE_METRICS.map((m) => `- \`${m}\``),
    '',
    'Every other `mailroom_` metric is **per node** (its sessions, the mail it accepted, its deliveries, its',
    'scanners, its log lines, its warnings): `sum` across instances for the cluster. The overview dashboard',
    'and the alert rules follow this (`provisioning/prometheus/tests/cluster.test.yml` feeds three instances',
    'to promtool and checks both, `server/test/observability-dashboards.test.ts` that no dashboard or rule',
    'sums a cluster-wide metric). The dashboard treats the instances it shows as one cluster: select one',
    'standalone (SQLite) server at a time to see its queue, as `max` of several standalone servers shows the',
    'largest queue, not their total. `MailroomNodeDown` collapses instances with `max without (instance)` (one',
    'alert per dead node; a `cluster` target label added in the scrape configuration keeps clusters apart).',
    "The queue alerts compare each instance's own reading, which no sum inflates; on a cluster every node",
    'raises them alike, so group notifications by `alertname` and `job` in Alertmanager.',
    '',
    '| metric | type | labels | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv.includes('--write')) {
  fs.writeFileSync(DOC_PATH, await renderMetricsDoc());
  process.stdout.write(`wrote ${DOC_PATH}\n`);
}
