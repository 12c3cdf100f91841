// Every query Mailroom ships for Grafana and Prometheus runs against a real Mailroom scraped by a real
// Prometheus started from provisioning/prometheus/prometheus.yml with the shipped alert rules.
//
// - Dashboards: every Prometheus target of dashboards/*.json, with Grafana's variables replaced as Grafana
//   would ($__rate_interval → 1m, $__range → 5m; $job and $instance once as "All" (.+) and once as this
//   instance, regex-escaped), must evaluate without error and return data after some traffic (messages
//   delivered, a recipient refused, a login failed). The variable queries must find this job and instance.
// - Alert rules: every expression must evaluate. A condition returns nothing while it does not hold, so
//   "returns data" is checked on its inner parts: the expression is split at top-level and/unless/or and
//   of each part the left side of its top-level comparison is kept (helpers/observability.ts,
//   conditionParts): `a / b > 0.25 and c >= 20` is checked as `a / b` and `c`. Label matchers are part of
//   the inner expression; the server runs with trusted_networks 0.0.0.0/0 (an open relay, on loopback
//   only) so that a critical configuration warning exists and MailroomCriticalConfigWarning's inner part
//   has data too, and with a weak viewer token so that a high one exists for MailroomHighConfigWarning. On
//   this otherwise healthy server, those two are the only alerts whose condition holds, and
//   Prometheus reports every shipped rule healthy with the alert's links filled in.
// - Metrics announced but not yet exported (ANNOUNCED_METRICS) only have to evaluate; the test prints
//   which queries wait for them, and holds them to returning data as soon as /metrics serves them.
// - Logs dashboard: every LogQL query (and the Loki variables' selectors) parses with
//   @grafana/lezer-logql without error nodes, and stream selectors use only Mailroom's stream labels.
import fs from 'node:fs';
import path from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import {
  ANNOUNCED_METRICS,
  REPO_ROOT,
  conditionParts,
  dashboardQueries,
  documentedMetrics,
  labelValuesQueries,
  loadAlertRules,
  loadDashboards,
  metricFamilies,
  parseErrors,
  promRegexValue,
  servedFamilies,
  streamSelectorLabels,
  substituteVariables,
  type SyntaxTree,
  type VariableValues,
} from './helpers/observability.ts';
import { ProvisionedPrometheus, TEST_GRAFANA_URL } from './helpers/prometheus-provisioned.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const TOKEN = 'observability-test-admin-token-8d41c7e2f9b3';
const haveTools = requireCommand('prometheus', 'real Prometheus running the dashboard and alert queries') && requireCommand('python3', 'smtplib sends the test traffic');

let mr: MailroomProcess;
let prom: ProvisionedPrometheus;
let loki: LokiReceiver | undefined;
let instance: string;
let served: Set<string>;

const dashboards = loadDashboards();
const promQueries = dashboards.flatMap(({ file, dashboard }) => dashboardQueries(file, dashboard)).filter((q) => q.datasourceType === 'prometheus');
const lokiQueries = dashboards.flatMap(({ file, dashboard }) => dashboardQueries(file, dashboard)).filter((q) => q.datasourceType === 'loki');
const rules = loadAlertRules();
const documented = documentedMetrics();
const histogramFamilies = new Set([...documented.histograms, 'mailroom_loki_request_duration_seconds']);

/** A metric name as the family /metrics declares it (a histogram's _bucket, _sum and _count are its family). */
function family(name: string): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m && histogramFamilies.has(m[1]!) ? m[1]! : name;
}

/** Families an expression needs that the live server does not export (always among the announced ones). */
function missingFamilies(expr: string): string[] {
  return metricFamilies(expr)
    .map(family)
    .filter((f) => f !== 'up' && !served.has(f));
}

/** If docs/configuration.md has a Loki push URL setting, ship logs to a local receiver so Loki metrics exist. */
function lokiSettingEnv(): string | undefined {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
  return /^\| `loki\.url` \| `(MAILROOM_LOKI_URL)` \|/m.exec(doc)?.[1];
}

beforeAll(async () => {
  if (!haveTools) return;
  // A weak viewer token raises the high-severity warning admin_token_weak (nothing else changes on the server).
  const env: Record<string, string> = { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_TRUSTED_NETWORKS: '0.0.0.0/0', MAILROOM_ADMIN_TOKENS: 'kiosk:viewer:kiosk' };
  const lokiVar = lokiSettingEnv();
  if (lokiVar) {
    loki = await LokiReceiver.start();
    env[lokiVar] = loki.url;
  }
  mr = await MailroomProcess.create({ env });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'carol@example.test', '--password', 'carol-secret');
  await mr.cli('account', 'add', 'dave@example.test', '--password', 'dave-secret');
  await mr.start();
  instance = `127.0.0.1:${mr.ports.admin}`;
  prom = await ProvisionedPrometheus.start(instance);

  const out = await python(
    `
import smtplib, os
mx, sub = int(os.environ['MX']), int(os.environ['SUB'])
for i in range(3):
    s = smtplib.SMTP('127.0.0.1', mx, timeout=10)
    s.sendmail('someone@remote.test', ['carol@example.test'], 'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % i)
    s.quit()
s = smtplib.SMTP('127.0.0.1', mx, timeout=10)
s.ehlo('client.test')
s.mail('someone@remote.test')
print('rcpt', s.rcpt('nobody@example.test')[0])
s.quit()
s = smtplib.SMTP('127.0.0.1', sub, timeout=10)
s.ehlo('client.test')
try:
    s.login('carol@example.test', 'wrong password')
except smtplib.SMTPAuthenticationError as e:
    print('auth', e.smtp_code)
s.quit()
s = smtplib.SMTP('127.0.0.1', sub, timeout=10)
s.ehlo('client.test')
s.login('carol@example.test', 'carol-secret')
s.sendmail('carol@example.test', ['dave@example.test'], 'Subject: submitted\\r\\n\\r\\nbody\\r\\n')
s.quit()
`,
    { MX: String(mr.ports.smtp), SUB: String(mr.ports.submission) },
  );
  expect(out).toContain('rcpt 550');
  expect(out).toContain('auth 535');

  // The traffic has reached Prometheus, and rate() windows of 1m hold enough samples.
  await prom.waitFor('sum(mailroom_messages_processed_total{job="mailroom"})', (v) => v >= 4);
  await prom.waitFor('sum(mailroom_deliveries_total{job="mailroom", result="delivered"})', (v) => v >= 4);
  await prom.waitFor('sum(mailroom_smtp_rejections_total{job="mailroom", reason="unknown_user"})', (v) => v >= 1);
  await prom.waitFor('sum(mailroom_auth_failures_total{job="mailroom"})', (v) => v >= 1);
  await prom.waitFor('count_over_time(up{job="mailroom"}[1m])', (v) => v >= 5);
  served = servedFamilies(await (await mr.admin('/metrics')).text());
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await mr?.stop();
  mr?.cleanup();
  await loki?.close();
});

/** The two selections the tests run every dashboard query with. */
function selections(): Array<{ name: string; values: VariableValues }> {
  return [
    { name: 'All', values: { job: '.+', instance: '.+' } },
    { name: 'this instance', values: { job: promRegexValue('mailroom'), instance: promRegexValue(instance) } },
  ];
}

function sampleCount(body: Awaited<ReturnType<ProvisionedPrometheus['query']>>): number {
  const data = body.data!;
  return data.resultType === 'scalar' ? 1 : (data.result as unknown[]).length;
}

describe.runIf(haveTools)('dashboard and alert PromQL against a live Mailroom and the shipped Prometheus configuration', () => {
  it('finds the dashboards and rules it is meant to check', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual(['mailroom-logs', 'mailroom-overview']);
    expect(promQueries.length).toBeGreaterThanOrEqual(30);
    expect(lokiQueries.length).toBeGreaterThanOrEqual(5);
    expect(rules.length).toBe(14);
  });

  it('every Prometheus query of the dashboards evaluates and returns data, with All and with this instance selected', async () => {
    const failures: string[] = [];
    const pending = new Set<string>();
    for (const q of promQueries) {
      for (const sel of selections()) {
        const expr = substituteVariables(q.expr, sel.values);
        const body = await prom.query(expr);
        if (body.status !== 'success') {
          failures.push(`${q.where} [${sel.name}]: error ${body.error}\n    ${expr}`);
          continue;
        }
        const missing = missingFamilies(q.expr);
        const unknown = missing.filter((f) => !ANNOUNCED_METRICS.includes(f));
        if (unknown.length > 0) failures.push(`${q.where}: reads ${unknown.join(', ')}, which the server does not export`);
        else if (missing.length > 0) pending.add(`${q.where} (waits for ${missing.join(', ')})`);
        else if (sampleCount(body) === 0) failures.push(`${q.where} [${sel.name}]: no data\n    ${expr}`);
      }
    }
    if (pending.size > 0) console.warn(`Queries that evaluate but wait for metrics the server does not export yet:\n  ${[...pending].join('\n  ')}`);
    expect(failures).toEqual([]);
  });

  it('the query variables list this job and this instance', async () => {
    const overview = dashboards.find((d) => d.dashboard.uid === 'mailroom-overview')!.dashboard;
    const expected: Record<string, string> = { job: 'mailroom', instance };
    const vars = labelValuesQueries(overview).filter((v) => v.datasourceType === 'prometheus');
    expect(vars.map((v) => v.name).sort()).toEqual(['instance', 'job']);
    for (const v of vars) {
      const selector = substituteVariables(v.selector, { job: '.+', instance: '.+' });
      const found = (await prom.vector(`count by (${v.label}) (${selector})`)).map((s) => s.metric[v.label]);
      expect(found, `variable ${v.name}`).toContain(expected[v.name]);
    }
  });

  it('every alert expression evaluates, and the inner parts of every condition return data', async () => {
    const failures: string[] = [];
    const pending: string[] = [];
    for (const rule of rules) {
      const whole = await prom.query(rule.expr);
      if (whole.status !== 'success') failures.push(`${rule.alert}: error ${whole.error}`);
      const parts = conditionParts(rule.expr);
      expect(parts.length, rule.alert).toBeGreaterThan(0);
      for (const part of parts) {
        const body = await prom.query(part);
        if (body.status !== 'success') {
          failures.push(`${rule.alert}: inner part fails: ${body.error}\n    ${part}`);
          continue;
        }
        const missing = missingFamilies(part);
        const unknown = missing.filter((f) => !ANNOUNCED_METRICS.includes(f));
        if (unknown.length > 0) failures.push(`${rule.alert}: reads ${unknown.join(', ')}, which the server does not export`);
        else if (missing.length > 0) pending.push(`${rule.alert} (waits for ${missing.join(', ')})`);
        else if (sampleCount(body) === 0) failures.push(`${rule.alert}: inner part returns nothing\n    ${part}`);
      }
    }
    if (pending.length > 0) console.warn(`Alert conditions that evaluate but wait for metrics the server does not export yet:\n  ${pending.join('\n  ')}`);
    expect(failures).toEqual([]);
  });

  it('on this healthy server only the configuration warning alerts have their condition met', async () => {
    const holding: string[] = [];
    for (const rule of rules) if ((await prom.vector(rule.expr)).length > 0) holding.push(rule.alert);
    expect(holding).toEqual(['MailroomCriticalConfigWarning', 'MailroomHighConfigWarning']);
    const high = await prom.vector(rules.find((r) => r.alert === 'MailroomHighConfigWarning')!.expr);
    expect(high.map((s) => s.metric)).toContainEqual({ job: 'mailroom', instance, id: 'admin_token_weak' });
    const samples = await prom.vector(rules.find((r) => r.alert === 'MailroomCriticalConfigWarning')!.expr);
    expect(samples.map((s) => s.metric)).toContainEqual({ job: 'mailroom', instance, id: 'open_relay_trusted_networks' });
  });

  it('Prometheus runs the shipped rules healthy and holds the configuration warning alerts, the critical one with its links filled in', async () => {
    const deadline = Date.now() + 30_000;
    let states = await prom.rules();
    while (states.some((r) => r.lastEvaluation.startsWith('0001-')) || !states.find((r) => r.name === 'MailroomCriticalConfigWarning')?.alerts?.length) {
      if (Date.now() > deadline) throw new Error(`rules not evaluated in time: ${JSON.stringify(states.map((r) => [r.name, r.lastEvaluation, r.state]))}`);
      await new Promise((r) => setTimeout(r, 500));
      states = await prom.rules();
    }
    expect(states.map((r) => r.name).sort()).toEqual(rules.map((r) => r.alert).sort());
    expect(states.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
    // The high warning's alert is pending (it waits 15 minutes) by now: both hold, nothing else.
    expect(
      states
        .filter((r) => r.state !== 'inactive')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['MailroomCriticalConfigWarning', 'MailroomHighConfigWarning']);
    const alert = states.find((r) => r.name === 'MailroomCriticalConfigWarning')!.alerts!.find((a) => a.labels.id === 'open_relay_trusted_networks')!;
    expect(alert, 'the open relay alert').toBeDefined();
    expect(['pending', 'firing']).toContain(alert.state);
    expect(alert.labels).toMatchObject({ alertname: 'MailroomCriticalConfigWarning', severity: 'critical', instance, id: 'open_relay_trusted_networks' });
    expect(alert.annotations.summary).toBe(`Mailroom on ${instance} has a critical configuration warning: open_relay_trusted_networks`);
    expect(alert.annotations.runbook_url).toBe(`${TEST_GRAFANA_URL}/a/mailroom-admin-app/warnings`);
    expect(alert.annotations.dashboard_url).toBe(`${TEST_GRAFANA_URL}/d/mailroom-overview/mailroom-overview?var-instance=${instance}`);
  });

  it('every metric the dashboards and rules read is served, or announced and not yet served', () => {
    const exprs = [...promQueries.map((q) => q.expr), ...rules.map((r) => r.expr)];
    const read = new Set(exprs.flatMap((e) => metricFamilies(e).map(family)));
    const problems: string[] = [];
    for (const f of read) {
      if (f === 'up' || served.has(f)) continue;
      if (!ANNOUNCED_METRICS.includes(f)) problems.push(`${f} is neither served by /metrics nor announced`);
      else if (documented.names.has(f)) problems.push(`${f} is documented in docs/metrics.md but this server does not serve it`);
    }
    expect(problems).toEqual([]);
  });
});

describe('logs dashboard LogQL', () => {
  const LOKI_VALUES: VariableValues = { instance: '.+', category: '(smtp|delivery)', session: '', search: '', level: '30' };
  const parse = (q: string) => logqlParser.parse(q) as unknown as SyntaxTree;

  it('every LogQL query parses with @grafana/lezer-logql without error nodes and selects only Mailroom streams', () => {
    expect(lokiQueries.length).toBeGreaterThan(0);
    for (const q of lokiQueries) {
      for (const values of [LOKI_VALUES, { ...LOKI_VALUES, session: 'K3J9ZQ2M', search: 'queued as', level: '40' }]) {
        const query = substituteVariables(q.expr, values);
        const tree = parse(query);
        expect(parseErrors(tree, query), `${q.where}: ${query}`).toEqual([]);
        const labels = streamSelectorLabels(tree, query);
        expect(labels, `${q.where}: stream labels`).toContain('service_name');
        for (const l of labels) expect(['service_name', 'instance', 'category'], `${q.where}: stream label ${l}`).toContain(l);
      }
    }
  });

  it('the Loki variables select Mailroom streams with selectors that parse', () => {
    const logs = dashboards.find((d) => d.dashboard.uid === 'mailroom-logs')!.dashboard;
    const vars = labelValuesQueries(logs);
    expect(vars.map((v) => `${v.name}:${v.datasourceType}:${v.label}`).sort()).toEqual(['category:loki:category', 'instance:loki:instance']);
    for (const v of vars) {
      const selector = substituteVariables(v.selector, LOKI_VALUES);
      const tree = parse(selector);
      expect(parseErrors(tree, selector), `${v.name}: ${selector}`).toEqual([]);
      expect(streamSelectorLabels(tree, selector)).toContain('service_name');
    }
  });

  it('the parser check has teeth: broken queries show error nodes', () => {
    for (const broken of ['sum(count_over_time({service_name="mailroom"} [1m])', '{service_name="mailroom"} | json lvl="level" | lvl >= ', '{service_name="mailroom"} |= ']) {
      expect(parseErrors(parse(broken), broken).length, broken).toBeGreaterThan(0);
    }
  });
});
