// Renders docs/metrics.md from the live metric catalogue, so the documentation lists exactly what
// /metrics serves. `npx tsx server/src/telemetry/metrics-doc.ts --write` regenerates the file;
// metrics-doc.test.ts fails when the committed file differs.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMetrics, type MetricSources } from './metrics.ts';

export const DOC_PATH = fileURLToPath(new URL('../../../docs/metrics.md', import.meta.url));

const idleSources: MetricSources = {
  sessions: () => ({ smtp: 0, submission: 0, pop3: 0, imap: 0 }),
  listenerSessions: () => ({ smtp: 0, submission: 0, submissions: 0, pop3: 0, pop3s: 0, imap: 0, imaps: 0 }),
  server: () => ({ running: false, startedAt: null }),
  queue: async () => ({ byState: { queued: 0, deferred: 0, held: 0, in_flight: 0 }, oldestCreatedAt: null }),
  warnings: () => [],
  bansActive: async () => 0,
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
