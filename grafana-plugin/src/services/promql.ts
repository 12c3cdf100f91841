// The PromQL of the app's trend panels: the expressions of the shipped overview dashboard
// (dashboards/mailroom-overview.json), without its `job` and `instance` variables, so the app and the
// dashboard draw the same lines. Cluster-wide gauges (the queue) take max across instances, per-node
// counters and gauges sum (docs/metrics.md, "Several nodes"). promql.test.ts checks them against the
// dashboard. $__rate_interval is Grafana's: at least four scrape intervals of the data source.

export interface PromTarget {
  refId: string;
  expr: string;
  /** Grafana's legend template, e.g. "{{protocol}}". */
  legendFormat: string;
}

export interface TrendPanel {
  /** The dashboard panel these queries come from. */
  title: string;
  /** Grafana unit id (ops: per second, s: seconds, short: a count). */
  unit: 'ops' | 's' | 'short';
  targets: PromTarget[];
}

export const SERVER_TRENDS = {
  processed: {
    title: 'Messages processed by source',
    unit: 'ops',
    targets: [{ refId: 'A', expr: 'sum by (source) (rate(mailroom_messages_processed_total[$__rate_interval]))', legendFormat: '{{source}}' }],
  },
  virusesAndSpam: {
    title: 'Viruses and spam',
    unit: 'ops',
    targets: [
      { refId: 'A', expr: 'sum(rate(mailroom_viruses_detected_total[$__rate_interval]))', legendFormat: 'viruses' },
      { refId: 'B', expr: 'sum by (action) (rate(mailroom_spam_detected_total[$__rate_interval]))', legendFormat: 'spam: {{action}}' },
    ],
  },
  sessions: {
    title: 'Open sessions by protocol',
    unit: 'short',
    targets: [{ refId: 'A', expr: 'sum by (protocol) (mailroom_sessions)', legendFormat: '{{protocol}}' }],
  },
} satisfies Record<string, TrendPanel>;

export const QUEUE_TRENDS = {
  byState: {
    title: 'Queue by state',
    unit: 'short',
    targets: [{ refId: 'A', expr: 'max by (state) (mailroom_queue_messages)', legendFormat: '{{state}}' }],
  },
  oldest: {
    title: 'Oldest message',
    unit: 's',
    targets: [{ refId: 'A', expr: 'max(mailroom_queue_oldest_message_age_seconds)', legendFormat: '' }],
  },
} satisfies Record<string, TrendPanel>;

/**
 * A dashboard expression as the app writes it: the dashboard's `{job=~"$job", instance=~"$instance"}`
 * filter taken out (the app shows every Mailroom the data source scrapes).
 */
export function withoutDashboardFilters(expr: string): string {
  return expr.replace(/\{job=~"\$job", instance=~"\$instance"\}/g, '').replace(/\{job=~"\$job", instance=~"\$instance", /g, '{');
}
