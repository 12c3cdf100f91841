// The live log's view filter as a Loki query, and the Explore link that runs it. Mailroom ships logs to Loki
// with the stream labels service_name, instance and category; each line is Mailroom's JSON log line, whose
// `session` field holds the session id and `level` pino's number (server/src/telemetry/log.ts). The
// session id is structured metadata (`session_id`) only when loki.structured_metadata is on (off by
// default), so the query filters on the line's own fields, which exist with every setting: line filters
// first (cheap, Loki skips chunks without the text), then `| json` and exact matches. Typed text goes
// through logqlEscape.ts.
import { PINO_LEVEL, type ViewFilter } from './logFilter';
import { logqlRegex, logqlString } from './logqlEscape';

export const LOKI_SERVICE_NAME = 'mailroom';

export function buildLogQL(f: ViewFilter): string {
  let q = `{service_name="${LOKI_SERVICE_NAME}"}`;
  const session = f.session.trim();
  const text = f.text.trim();
  if (session) q += ` |= "${logqlString(session)}"`;
  // The view matches text without regard to case; (?i) does the same in RE2, with the text taken literally.
  if (text) q += ` |~ "(?i)${logqlRegex(text)}"`;
  const labels: string[] = [];
  if (session) labels.push(`session="${logqlString(session)}"`);
  if (f.minLevel !== 'trace') labels.push(`level >= ${PINO_LEVEL[f.minLevel]}`);
  if (labels.length > 0) q += ` | json | ${labels.join(' | ')}`;
  return q;
}

export interface ExploreOptions {
  expr: string;
  datasourceUid?: string;
  appSubUrl?: string;
  orgId?: number;
  from?: string;
  to?: string;
}

/** Grafana's Explore URL (schemaVersion 1, one pane) for a Loki query. */
export function exploreUrl(o: ExploreOptions): string {
  const uid = o.datasourceUid?.trim();
  const query: Record<string, unknown> = { refId: 'A', expr: o.expr, queryType: 'range' };
  if (uid) query.datasource = { type: 'loki', uid };
  const pane: Record<string, unknown> = { queries: [query], range: { from: o.from ?? 'now-1h', to: o.to ?? 'now' } };
  if (uid) pane.datasource = uid;
  const params = new URLSearchParams({ schemaVersion: '1', panes: JSON.stringify({ mailroom: pane }) });
  if (o.orgId !== undefined) params.set('orgId', String(o.orgId));
  return `${o.appSubUrl ?? ''}/explore?${params.toString()}`;
}
