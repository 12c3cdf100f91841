// The live log's lines as a Loki query, and the Explore link that runs it. Mailroom ships logs to Loki with
// the stream labels service_name, instance and category; each line is Mailroom's JSON log line, whose
// `session` field holds the session id (server/src/telemetry/log.ts). The session id is structured metadata
// (`session_id`) only when loki.structured_metadata is on (off by default), so the query filters on the
// line's own field, which exists with every setting: a line filter first (cheap, Loki skips chunks without
// the text), then `| json` and an exact match on `session`.

export const LOKI_SERVICE_NAME = 'mailroom';

const escapeString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function buildLogQL(categories: readonly string[], session: string): string {
  const selectors = [`service_name="${LOKI_SERVICE_NAME}"`];
  if (categories.length > 0) {
    const sorted = [...categories].sort();
    selectors.push(`category=~"${escapeString(sorted.map(escapeRegex).join('|'))}"`);
  }
  let q = `{${selectors.join(', ')}}`;
  const s = session.trim();
  if (s) q += ` |= "${escapeString(s)}" | json | session="${escapeString(s)}"`;
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
