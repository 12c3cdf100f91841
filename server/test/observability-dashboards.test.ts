// What Mailroom ships for Grafana, read as files (no Grafana runs here): the dashboards have their fixed
// uids, a Grafana 11/12 schema, panels that do not overlap, datasource variables that default to the
// provisioned datasource uids, and queries that all honour the instance variable; the provisioning files
// give the datasources, the dashboards folder and the app with its settings from the environment; every
// alert rule carries severity, summary, description and links, and has unit tests that expect it both to
// fire and to stay quiet; provisioning/README.md documents every environment variable the files use.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { CLUSTER_WIDE_METRICS } from '../src/telemetry/metrics.ts';
import { GRAFANA_PROVISIONING_DIR, REPO_ROOT, RULE_TESTS_DIR, allPanels, dashboardQueries, loadAlertRules, loadDashboards, type Dashboard } from './helpers/observability.ts';

const dashboards = loadDashboards();
const byUid = (uid: string): Dashboard => dashboards.find((d) => d.dashboard.uid === uid)!.dashboard;
const readYaml = <T>(...parts: string[]): T => YAML.parse(fs.readFileSync(path.join(GRAFANA_PROVISIONING_DIR, ...parts), 'utf8')) as T;
const APP_PAGES = ['server', 'warnings', 'queue', 'live-log'];

interface DatasourcesFile {
  apiVersion: number;
  datasources: Array<{ name: string; uid: string; type: string; url: string; access: string; jsonData?: Record<string, unknown> }>;
}

/** Grafana 11.0 writes schemaVersion 39; Grafana 11.x and 12.x load it and migrate it forward in memory. */
const SCHEMA_VERSION = 39;

describe('dashboards', () => {
  it('are the overview and logs dashboards, with fixed uids and the Grafana 11/12 schema', () => {
    expect(dashboards.map((d) => [d.file, d.dashboard.uid])).toEqual([
      ['mailroom-logs.json', 'mailroom-logs'],
      ['mailroom-overview.json', 'mailroom-overview'],
    ]);
    for (const { dashboard } of dashboards) {
      expect(dashboard.schemaVersion).toBe(SCHEMA_VERSION);
      expect((dashboard as unknown as { id: unknown }).id).toBeNull();
      expect(dashboard.title).toMatch(/^Mailroom /);
    }
  });

  it('have unique panel ids and panels that fit the 24-column grid without overlapping', () => {
    for (const { file, dashboard } of dashboards) {
      const panels = allPanels(dashboard);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
      for (const p of panels) {
        expect(p.gridPos.x + p.gridPos.w, `${file} › ${p.title}`).toBeLessThanOrEqual(24);
        expect(p.gridPos.w * p.gridPos.h, `${file} › ${p.title}`).toBeGreaterThan(0);
      }
      for (let i = 0; i < panels.length; i++) {
        for (let j = i + 1; j < panels.length; j++) {
          const a = panels[i]!.gridPos;
          const b = panels[j]!.gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${file}: "${panels[i]!.title}" overlaps "${panels[j]!.title}"`).toBe(false);
        }
      }
    }
  });

  it('query through datasource variables that default to the provisioned datasources', () => {
    const provisioned = readYaml<DatasourcesFile>('datasources', 'mailroom.yml').datasources;
    const cases = [
      { uid: 'mailroom-overview', variable: 'DS_PROMETHEUS', type: 'prometheus' },
      { uid: 'mailroom-logs', variable: 'DS_LOKI', type: 'loki' },
    ];
    for (const c of cases) {
      const d = byUid(c.uid);
      const v = d.templating.list.find((x) => x.name === c.variable);
      expect(v, `${c.uid}: variable ${c.variable}`).toMatchObject({ type: 'datasource', query: c.type });
      expect(v!.current?.value).toBe(provisioned.find((ds) => ds.type === c.type)!.uid);
      for (const p of allPanels(d).filter((x) => x.type !== 'row')) {
        expect(p.datasource, `${c.uid} › ${p.title}`).toEqual({ type: c.type, uid: `\${${c.variable}}` });
        for (const t of p.targets ?? []) expect(t.datasource, `${c.uid} › ${p.title} › ${t.refId}`).toEqual({ type: c.type, uid: `\${${c.variable}}` });
      }
      for (const q of d.templating.list.filter((x) => x.type === 'query')) expect(q.datasource, `${c.uid}: variable ${q.name}`).toEqual({ type: c.type, uid: `\${${c.variable}}` });
    }
  });

  it('have an instance variable (several or all instances), and every query honours it', () => {
    for (const { file, dashboard } of dashboards) {
      const v = dashboard.templating.list.find((x) => x.name === 'instance');
      expect(v, `${file}: instance variable`).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.+' });
      for (const q of dashboardQueries(file, dashboard)) {
        // Every selector: a metric's {...} in PromQL, a stream selector in LogQL.
        const selectors =
          q.datasourceType === 'prometheus'
            ? [...q.expr.matchAll(/\b(?:mailroom_\w+|process_\w+|up)\b(?!\s*\()(\{[^}]*\})?/g)].map((m) => m[1] ?? '(no selector)')
            : [...q.expr.matchAll(/\{service_name[^}]*\}/g)].map((m) => m[0]);
        expect(selectors.length, q.where).toBeGreaterThan(0);
        for (const s of selectors) {
          expect(s, `${q.where}: ${q.expr}`).toContain('instance=~"$instance"');
          if (q.datasourceType === 'prometheus') expect(s, `${q.where}: ${q.expr}`).toContain('job=~"$job"');
          else expect(s, `${q.where}: ${q.expr}`).toContain('service_name="mailroom"');
        }
      }
    }
  });

  // Issue 15: every node of a cluster reports the cluster-wide metrics alike (read from the shared
  // database), so a sum across instances would count them once per node. cluster.test.yml shows the
  // numbers with three instances; this keeps every query and rule on the right side of it.
  it('never sum a cluster-wide metric across instances, in dashboards or alert rules', () => {
    const exprs = [
      ...dashboards.flatMap(({ file, dashboard }) =>
        dashboardQueries(file, dashboard)
          .filter((q) => q.datasourceType === 'prometheus')
          .map((q) => ({ where: q.where, expr: q.expr })),
      ),
      ...loadAlertRules().map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
    ];
    let seen = 0;
    for (const metric of CLUSTER_WIDE_METRICS) {
      for (const { where, expr } of exprs.filter((e) => new RegExp(`\\b${metric}\\b`).test(e.expr))) {
        seen++;
        // The aggregation that takes the metric in: sum, count or avg that merges instances (no "by" that
        // keeps instance, or a "without" that drops it) would multiply it. Summing states per instance is fine.
        const around = new RegExp(`\\b(sum|count|avg)\\s*(?:(by|without)\\s*\\(([^)]*)\\))?\\s*\\(\\s*(?:(?:rate|increase|delta)\\s*\\(\\s*)?${metric}\\b`, 'g');
        for (const m of expr.matchAll(around)) {
          const labels = (m[3] ?? '').split(',').map((l) => l.trim());
          const keepsInstance = m[2] === 'by' ? labels.includes('instance') : m[2] === 'without' ? !labels.includes('instance') : false;
          expect(keepsInstance, `${where}: ${m[0]} sums ${metric} across instances: use max`).toBe(true);
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(5);
  });

  it('the overview shows what issue 7 asks for', () => {
    const exprs = dashboardQueries('overview', byUid('mailroom-overview'))
      .map((q) => q.expr)
      .join('\n');
    const wanted: Array<[string, RegExp]> = [
      ['processed rate', /\brate\(mailroom_messages_processed_total\{/],
      ['processed total', /increase\(mailroom_messages_processed_total\{/],
      ['virus rate', /\brate\(mailroom_viruses_detected_total\{/],
      ['virus total', /increase\(mailroom_viruses_detected_total\{/],
      ['spam rate', /\brate\(mailroom_spam_detected_total\{/],
      ['spam total', /increase\(mailroom_spam_detected_total\{/],
      ['sessions per protocol', /sum by \(protocol\) \(mailroom_sessions\{/],
      ['queue by state', /max by \(state\) \(mailroom_queue_messages\{/],
      ['oldest queued message', /mailroom_queue_oldest_message_age_seconds\{/],
      ['deliveries by result', /sum by \(destination, result\) \(rate\(mailroom_deliveries_total\{/],
      ['delivery attempt duration quantiles', /histogram_quantile\(0\.99, sum by \(le, destination\) \(rate\(mailroom_delivery_duration_seconds_bucket\{/],
      ['deferrals by reason', /sum by \(destination, reason\) \(rate\(mailroom_delivery_deferrals_total\{/],
      ['time to final outcome', /histogram_quantile\(0\.99, sum by \(le, destination, result\) \(rate\(mailroom_message_queue_time_seconds_bucket\{/],
      ['TLS handshakes', /sum by \(listener, result\) \(rate\(mailroom_tls_handshakes_total\{/],
      ['SMTP rejections by reason', /sum by \(reason\) \(rate\(mailroom_smtp_rejections_total\{/],
      ['auth failures', /mailroom_auth_failures_total\{/],
      ['server running', /mailroom_server_running\{/],
      ['configuration warnings by severity', /sum by \(severity\) \(mailroom_config_warnings\{/],
      ['build info', /mailroom_build_info\{/],
    ];
    for (const [what, re] of wanted) expect(exprs, what).toMatch(re);
  });

  it('the logs dashboard shows volume, categories, levels and sessions, and filters the lines by session', () => {
    const logs = byUid('mailroom-logs');
    const queries = dashboardQueries('logs', logs);
    const exprs = queries.map((q) => q.expr).join('\n');
    expect(exprs).toMatch(/sum by \(category\) \(count_over_time\(/);
    expect(exprs).toMatch(/sum by \(category\) \(bytes_over_time\(/);
    expect(exprs).toMatch(/\| json lvl="level"[^\n]*\| lvl >= 50/);
    expect(exprs).toMatch(/sum by \(sess\)/);
    const session = logs.templating.list.find((v) => v.name === 'session');
    expect(session).toMatchObject({ type: 'textbox' });
    const lines = allPanels(logs).filter((p) => p.type === 'logs');
    expect(lines.length).toBeGreaterThan(0);
    for (const p of lines) for (const t of p.targets ?? []) expect(t.expr, p.title).toContain('|= "$session"');
    expect(logs.templating.list.map((v) => v.name)).toEqual(['DS_LOKI', 'instance', 'category', 'level', 'session', 'search']);
  });

  it('link only to the app pages and dashboards that exist', () => {
    const uids = new Set(dashboards.map((d) => d.dashboard.uid));
    const urls: string[] = [];
    for (const { dashboard } of dashboards) {
      urls.push(...dashboard.links.map((l) => l.url));
      for (const p of allPanels(dashboard)) {
        urls.push(...(p.links ?? []).map((l) => l.url));
        for (const o of p.fieldConfig?.overrides ?? []) for (const prop of o.properties) if (prop.id === 'links') urls.push(...(prop.value as Array<{ url: string }>).map((l) => l.url));
      }
    }
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) {
      const app = /^\/a\/mailroom-admin-app\/([\w-]+)$/.exec(url);
      const dash = /^\/d\/([\w-]+)\/[\w-]+(\?.*)?$/.exec(url);
      expect(app || dash, url).toBeTruthy();
      if (app) expect(APP_PAGES, url).toContain(app[1]);
      if (dash) expect(uids.has(dash[1]!), url).toBe(true);
    }
  });
});

describe('Grafana provisioning', () => {
  const files = ['datasources/mailroom.yml', 'dashboards/mailroom.yml', 'plugins/mailroom-admin-app.yml'];
  const text = (f: string) => fs.readFileSync(path.join(GRAFANA_PROVISIONING_DIR, f), 'utf8');

  it('provisions the Prometheus and Loki datasources with fixed uids and URLs from the environment', () => {
    const { apiVersion, datasources } = readYaml<DatasourcesFile>('datasources', 'mailroom.yml');
    expect(apiVersion).toBe(1);
    expect(datasources.map((d) => [d.uid, d.type, d.access])).toEqual([
      ['mailroom-prometheus', 'prometheus', 'proxy'],
      ['mailroom-loki', 'loki', 'proxy'],
    ]);
    for (const d of datasources) expect(d.url).toMatch(/^\$\{MR_\w+\}$/);
  });

  it('loads the dashboards from a folder through a file provider', () => {
    const { providers } = readYaml<{ providers: Array<{ type: string; folder: string; options: { path: string } }> }>('dashboards', 'mailroom.yml');
    expect(providers).toHaveLength(1);
    expect(providers[0]).toMatchObject({ type: 'file', folder: 'Mailroom' });
    expect(providers[0]!.options.path).toMatch(/^\//);
  });

  it('enables the app with its API URL, the provisioned Prometheus and Loki datasources, a provisioned flag and one token per role from the environment', () => {
    const { apps } = readYaml<{ apps: Array<{ type: string; disabled: boolean; jsonData: Record<string, string | boolean>; secureJsonData: Record<string, string> }> }>(
      'plugins',
      'mailroom-admin-app.yml',
    );
    expect(apps).toHaveLength(1);
    const { datasources } = readYaml<DatasourcesFile>('datasources', 'mailroom.yml');
    expect(apps[0]).toMatchObject({ type: 'mailroom-admin-app', disabled: false });
    expect(apps[0]!.jsonData).toEqual({
      apiUrl: '${MR_API_URL}',
      prometheusDatasourceUid: datasources.find((d) => d.type === 'prometheus')!.uid,
      lokiDatasourceUid: datasources.find((d) => d.type === 'loki')!.uid,
      provisioned: true,
    });
    expect(apps[0]!.secureJsonData).toEqual({ viewerToken: '${MR_VIEWER_TOKEN}', operatorToken: '${MR_OPERATOR_TOKEN}', adminToken: '${MR_ADMIN_TOKEN}' });
    const pluginJson = path.join(REPO_ROOT, 'grafana-plugin', 'src', 'plugin.json');
    if (fs.existsSync(pluginJson)) expect((JSON.parse(fs.readFileSync(pluginJson, 'utf8')) as { id: string }).id).toBe('mailroom-admin-app');
  });

  it('uses no MAILROOM_* variables (mailroom stops on unknown ones) and escapes Grafana-template dollars as $$', () => {
    for (const f of files) {
      const t = text(f).replace(/^\s*#.*$/gm, '');
      expect(t, f).not.toMatch(/\$\{?MAILROOM_/);
      // Grafana expands $VAR and ${VAR} in provisioning files; ${__value.raw} and friends must be $${...}.
      expect(t, f).not.toMatch(/(?<!\$)\$\{__/);
    }
  });

  it('provisioning/README.md documents every environment variable, the unsigned plugin setting and GRAFANA_URL', () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, 'provisioning', 'README.md'), 'utf8');
    const vars = new Set(
      files.flatMap((f) =>
        [
          ...text(f)
            .replace(/^\s*#.*$/gm, '')
            .matchAll(/(?<!\$)\$\{(\w+)\}/g),
        ].map((m) => m[1]!),
      ),
    );
    expect(vars.size).toBeGreaterThanOrEqual(6);
    for (const v of vars) expect(readme, v).toContain(v);
    expect(readme).toContain('allow_loading_unsigned_plugins = mailroom-admin-app');
    expect(readme).toContain('GRAFANA_URL');
  });
});

describe('Prometheus alert rules', () => {
  const rules = loadAlertRules();
  const tests = fs
    .readdirSync(RULE_TESTS_DIR)
    .filter((f) => f.endsWith('.test.yml'))
    .flatMap((f) => (YAML.parse(fs.readFileSync(path.join(RULE_TESTS_DIR, f), 'utf8')) as { tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }> }).tests)
    .flatMap((t) => t.alert_rule_test ?? []);

  it('are the alerts issues 7 and 19 ask for', () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'MailroomDown',
      'MailroomServerStopped',
      'MailroomFrequentRestarts',
      'MailroomNodeDown',
      'MailroomQueueGrowing',
      'MailroomOldestMessageTooOld',
      'MailroomDeferralRatioHigh',
      'MailroomBounceRatioHigh',
      'MailroomVirusSpike',
      'MailroomSpamRatioHigh',
      'MailroomAuthFailureSpike',
      'MailroomCriticalConfigWarning',
      'MailroomHighConfigWarning',
      'MailroomLokiDroppingLines',
    ]);
  });

  it.each(rules.map((r) => [r.alert, r] as const))('%s has a severity, a summary, a description and links to the app and a dashboard', (_, rule) => {
    expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
    expect(rule.annotations.summary?.length).toBeGreaterThan(10);
    expect(rule.annotations.description?.length).toBeGreaterThan(40);
    expect(rule.annotations.runbook_url).toMatch(new RegExp(`^\\$\\{GRAFANA_URL\\}/a/mailroom-admin-app/(${APP_PAGES.join('|')})$`));
    const dash = /^\$\{GRAFANA_URL\}\/d\/([\w-]+)\/[\w-]+\?var-[\w-]+=/.exec(rule.annotations.dashboard_url ?? '');
    expect(dash, rule.annotations.dashboard_url).toBeTruthy();
    expect(dashboards.map((d) => d.dashboard.uid)).toContain(dash![1]);
  });

  it.each(rules.map((r) => r.alert))('%s has unit tests that expect it to fire and to stay quiet', (alert) => {
    const mine = tests.filter((t) => t.alertname === alert);
    expect(
      mine.some((t) => (t.exp_alerts ?? []).length > 0),
      'a case where it fires',
    ).toBe(true);
    expect(
      mine.some((t) => (t.exp_alerts ?? []).length === 0),
      'a case where it stays quiet',
    ).toBe(true);
  });
});
