// Reads what Mailroom ships for Grafana and Prometheus (dashboards/*.json, provisioning/prometheus/) and
// takes its queries apart for the observability tests: every PromQL and LogQL expression with where it
// comes from, Grafana's variables replaced the way Grafana would, and an alert's condition split into the
// parts that must return data on their own.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DASHBOARDS_DIR = path.join(REPO_ROOT, 'dashboards');
export const PROMETHEUS_DIR = path.join(REPO_ROOT, 'provisioning', 'prometheus');
export const RULES_FILE = path.join(PROMETHEUS_DIR, 'rules', 'mailroom-alerts.yml');
export const RULE_TESTS_DIR = path.join(PROMETHEUS_DIR, 'tests');
export const GRAFANA_PROVISIONING_DIR = path.join(REPO_ROOT, 'provisioning', 'grafana');

/**
 * Metrics announced for issue 7 that the server does not export yet. Dashboards and rules may use them
 * already; until the live /metrics serves one, its queries are only checked for evaluating without error.
 * Once served, they are held to returning data like every other query.
 */
export const ANNOUNCED_METRICS: readonly string[] = [
  'mailroom_loki_sent_entries_total',
  'mailroom_loki_dropped_entries_total',
  'mailroom_loki_batch_retries_total',
  'mailroom_loki_request_duration_seconds',
  'mailroom_log_lines_total',
  'mailroom_log_category_enabled',
  'mailroom_scan_errors_total',
];

// ---------------------------------------------------------------------------------------------------
// Dashboards

export interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<Record<string, unknown> & { refId: string; expr?: string; datasource?: { type: string; uid: string } }>;
  panels?: Panel[];
  links?: Array<{ title: string; url: string }>;
  fieldConfig?: { defaults?: Record<string, unknown>; overrides?: Array<{ properties: Array<{ id: string; value: unknown }> }> };
}

export interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: { type: string; uid: string };
  current?: { text?: unknown; value?: unknown };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
  options?: Array<{ text: string; value: string }>;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  links: Array<{ title: string; url: string; type: string }>;
}

export function loadDashboards(): Array<{ file: string; dashboard: Dashboard }> {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));
}

/** Every panel, rows' children included. */
export function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

export interface DashboardQuery {
  /** "mailroom-overview.json › Queue by state › A", for messages. */
  where: string;
  datasourceType: string;
  expr: string;
  instant: boolean;
}

/** Every target of every panel with the type of the datasource it runs on (the target's, else the panel's). */
export function dashboardQueries(file: string, d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const panel of allPanels(d)) {
    for (const t of panel.targets ?? []) {
      const ds = t.datasource ?? panel.datasource;
      if (typeof t.expr !== 'string') continue;
      out.push({ where: `${file} › ${panel.title} › ${t.refId}`, datasourceType: ds?.type ?? 'unknown', expr: t.expr, instant: t.instant === true || t.queryType === 'instant' });
    }
  }
  return out;
}

/** Query variables as `label_values(selector, label)`, the form both dashboards use. */
export function labelValuesQueries(d: Dashboard): Array<{ name: string; datasourceType: string; selector: string; label: string }> {
  const out = [];
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const m = /^label_values\((.*),\s*(\w+)\)$/s.exec(String(v.query));
    if (!m) throw new Error(`variable ${v.name}: expected label_values(selector, label), got ${JSON.stringify(v.query)}`);
    out.push({ name: v.name, datasourceType: v.datasource?.type ?? 'unknown', selector: m[1]!.trim(), label: m[2]! });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Grafana variables

/** The values the tests give Grafana's variables: one string per variable, already formatted for the query. */
export type VariableValues = Record<string, string>;

/** Grafana's regex escaping of a Prometheus multi-value variable's value (a backslash doubled for the string). */
export function promRegexValue(value: string): string {
  return value.replace(/[\\$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/** Grafana's built-in interval variables, fixed to values that suit a freshly started Prometheus (1 s scrapes). */
export const BUILTIN_VALUES: VariableValues = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '5m',
  __auto: '1m',
};

/**
 * Replaces $var, ${var}, ${var:format} and [[var]] by the given values; throws when the expression uses a
 * variable the test did not give a value for, so a new variable cannot slip past the tests.
 */
export function substituteVariables(expr: string, values: VariableValues): string {
  const all = { ...BUILTIN_VALUES, ...values };
  const replaced = expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
    const name = (a ?? b ?? c)!;
    const value = all[name];
    if (value === undefined) throw new Error(`no test value for the variable ${whole} in: ${expr}`);
    return value;
  });
  return replaced;
}

// ---------------------------------------------------------------------------------------------------
// Alert rules

export interface AlertRule {
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export function loadAlertRules(file = RULES_FILE): AlertRule[] {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as { groups: Array<{ name: string; rules: Array<Record<string, unknown>> }> };
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => {
      if (typeof r.alert !== 'string') throw new Error(`${file}: group ${g.name} has a rule that is not an alert`);
      return {
        group: g.name,
        alert: r.alert,
        expr: String(r.expr).trim(),
        ...(r.for !== undefined ? { for: String(r.for) } : {}),
        labels: (r.labels ?? {}) as Record<string, string>,
        annotations: (r.annotations ?? {}) as Record<string, string>,
      };
    }),
  );
}

/**
 * The parts of an alert condition that must each return data on a healthy server with some traffic:
 * the expression is split at top-level `and` / `unless` / `or` (with their on()/ignoring() matching), and
 * of each part the left side of its top-level comparison (== != > < >= <=) is kept. The right sides are
 * thresholds (numbers), and a comparison that filters series legitimately returns nothing while the
 * condition does not hold, so it is the inner expression that proves the metric, labels and functions
 * are right. "Top level" means outside (), {}, [] and quotes, so `{state=~"a|b"}` or `(x > 0)` inside
 * an aggregation are left alone.
 */
export function conditionParts(expr: string): string[] {
  return splitTopLevel(expr, /^(?:and|unless|or)\b\s*(?:(?:on|ignoring)\s*\([^)]*\)\s*)?/, true).map((part) => {
    const [left] = splitTopLevel(part, /^(?:==|!=|>=|<=|>|<)\s*(?:bool\b\s*)?/, false);
    return left!;
  });
}

/**
 * Splits at every top-level match of `separator` (anchored where it is tried). A keyword separator must
 * start a word (not the "or" of "sort" or "order_total"), which its own \b checks at its end.
 */
function splitTopLevel(expr: string, separator: RegExp, keyword: boolean): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      quote = ch;
    } else if (ch === '(' || ch === '{' || ch === '[') {
      depth++;
    } else if (ch === ')' || ch === '}' || ch === ']') {
      depth--;
    } else if (depth === 0 && !(keyword && i > 0 && !/[\s)]/.test(expr[i - 1]!))) {
      const m = separator.exec(expr.slice(i));
      if (m) {
        parts.push(expr.slice(start, i));
        start = i + m[0].length;
        i = start - 1;
      }
    }
  }
  parts.push(expr.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

// ---------------------------------------------------------------------------------------------------
// Metric names

/**
 * Metric names an expression reads (mailroom_*, process_*, nodejs_* and up), as written: a histogram
 * shows as its _bucket, _sum or _count series. Label names and values are not metric names: only
 * identifiers outside braces and quotes, and not followed by "(", count.
 */
export function metricFamilies(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  const names = new Set<string>();
  for (const m of bare.matchAll(/\b(mailroom_[a-z0-9_]+|process_[a-z0-9_]+|nodejs_[a-z0-9_]+|up)\b(?!\s*\()/g)) {
    names.add(m[1]!);
  }
  return [...names].sort();
}

/** Metric names documented in docs/metrics.md (the catalogue the server is checked against). */
export function documentedMetrics(): { names: Set<string>; histograms: Set<string> } {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  const names = new Set<string>();
  const histograms = new Set<string>();
  for (const m of doc.matchAll(/^\| `(mailroom_\w+)` \| (\w+) \|/gm)) {
    names.add(m[1]!);
    if (m[2] === 'histogram') histograms.add(m[1]!);
  }
  return { names, histograms };
}

/** Metric families in Prometheus text format (what /metrics serves), histograms by family name. */
export function servedFamilies(metricsText: string): Set<string> {
  return new Set([...metricsText.matchAll(/^# TYPE (\w+) \w+$/gm)].map((m) => m[1]!));
}

// ---------------------------------------------------------------------------------------------------
// LogQL

export interface SyntaxTree {
  iterate(spec: { enter(node: { type: { name: string; isError: boolean }; from: number; to: number; node: SyntaxNode }): void | false }): void;
  topNode: SyntaxNode;
}
interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  getChildren(type: string): SyntaxNode[];
  getChild(type: string): SyntaxNode | null;
}

/** Error nodes of a lezer parse, as "offset: text around it" strings (empty when the query parses). */
export function parseErrors(tree: SyntaxTree, query: string): string[] {
  const errors: string[] = [];
  tree.iterate({
    enter(n) {
      if (n.type.isError) errors.push(`at ${n.from}: …${query.slice(Math.max(0, n.from - 20), n.from)}⟨here⟩${query.slice(n.from, n.from + 20)}…`);
    },
  });
  return errors;
}

/** Label names used in the stream selectors ({...}) of a parsed LogQL query. */
export function streamSelectorLabels(tree: SyntaxTree, query: string): string[] {
  const labels = new Set<string>();
  tree.iterate({
    enter(n) {
      if (n.type.name !== 'Selector') return;
      const walk = (node: SyntaxNode) => {
        for (const m of node.getChildren('Matchers')) walk(m);
        for (const m of node.getChildren('Matcher')) {
          const id = m.getChild('Identifier');
          if (id) labels.add(query.slice(id.from, id.to));
        }
      };
      const matchers = n.node.getChild('Matchers');
      if (matchers) walk(matchers);
      return false;
    },
  });
  return [...labels].sort();
}
