// Alerting end to end with real parts: a real Mailroom, a real Prometheus evaluating the shipped alert
// rules (provisioning/prometheus/rules/mailroom-alerts.yml), a real Alertmanager, and a webhook receiver.
// The rules are used as shipped, but for two things an installation changes too: ${GRAFANA_URL} is filled
// in (as the file's header says, with envsubst), and every `for:` is shortened to 1 s so the test does not
// wait minutes. Two conditions are made real: the server stopped through the admin API (the process keeps
// answering scrapes), and a stuck queue (a message that cannot leave while delivery is stopped, whose
// creation time is set 7 hours back in the database, past the rule's 6-hour threshold). Each must reach the
// webhook as Alertmanager delivers it, with the annotations that link into the Grafana app.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { AlertmanagerProcess } from './helpers/alertmanager.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { RULES_FILE } from './helpers/observability.ts';
import { PrometheusProcess } from './helpers/prometheus.ts';
import { requireCommand } from './helpers/tools.ts';

const TOKEN = 'alerting-e2e-admin-token-7d3b1c9e4f';
const GRAFANA_URL = 'https://grafana.mailroom.test';
const haveParts = requireCommand('prometheus', 'real Prometheus evaluating the shipped rules') && requireCommand('prometheus-alertmanager', 'real Alertmanager delivering the alerts');

let mr: MailroomProcess;
let prom: PrometheusProcess;
let am: AlertmanagerProcess;
let scratch: string;

interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert?: string; for?: string }> }>;
}

/** The shipped rules with GRAFANA_URL filled in and every `for:` 1 s; nothing else changed. */
function installedRules(dir: string): string {
  const text = fs.readFileSync(RULES_FILE, 'utf8').replaceAll('${GRAFANA_URL}', GRAFANA_URL);
  const rules = YAML.parse(text) as RuleFile;
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for) rule.for = '1s';
  const file = path.join(dir, 'mailroom-alerts.yml');
  fs.writeFileSync(file, YAML.stringify(rules));
  return file;
}

const api = (pathname: string, method = 'GET', body?: unknown) =>
  mr.admin(pathname, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  if (!haveParts) return;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-alerting-'));
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'ada@example.test', '--password', 'pw');
  await mr.start();
  am = await AlertmanagerProcess.start();
  prom = await PrometheusProcess.start([`127.0.0.1:${mr.ports.admin}`], { ruleFiles: [installedRules(scratch)], alertmanager: am.address });
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await am?.stop();
  await mr?.stop();
  mr?.cleanup();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

describe.runIf(haveParts)('shipped alert rules through Prometheus and Alertmanager to a webhook', () => {
  it('a running server raises neither alert', async () => {
    await prom.waitForValue('mailroom_server_running', (v) => v === 1);
    // Rules are evaluated every second with `for: 1s`: a few evaluations with nothing wrong.
    await new Promise((r) => setTimeout(r, 3_000));
    const firing = (await prom.query('ALERTS{alertstate="firing"}')).map((a) => a.metric.alertname);
    expect(firing).not.toContain('MailroomServerStopped');
    expect(firing).not.toContain('MailroomOldestMessageTooOld');
  });

  it('stopping the server reaches the webhook as MailroomServerStopped, linking to the Server page', async () => {
    expect((await api('/api/v1/server/stop', 'POST')).status).toBe(200);
    const alert = await am.waitForFiring('MailroomServerStopped');
    expect(alert.labels).toMatchObject({ severity: 'warning', instance: `127.0.0.1:${mr.ports.admin}`, job: 'mailroom' });
    expect(alert.annotations.summary).toContain('stopped');
    expect(alert.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/server`);
    expect(alert.annotations.dashboard_url).toBe(`${GRAFANA_URL}/d/mailroom-overview/mailroom-overview?var-instance=127.0.0.1:${mr.ports.admin}`);
  });

  it('a message stuck in the queue past six hours reaches the webhook as MailroomOldestMessageTooOld, linking to the Queue page', async () => {
    // Delivery is stopped (previous test), so the message stays queued.
    const injected = await api('/api/v1/messages', 'POST', { from: 'someone@remote.test', to: ['ada@example.test'], raw: 'Subject: stuck\r\n\r\nwaiting\r\n' });
    expect(injected.status).toBe(201);
    const { id } = (await injected.json()) as { id: string };
    const sevenHoursAgo = Date.now() - 7 * 3600_000;
    const db = new Database(path.join(mr.dataDir, 'mailroom.db'));
    try {
      db.pragma('busy_timeout = 5000');
      db.transaction(() => {
        expect(db.prepare('UPDATE queue_messages SET created_at = ? WHERE id = ?').run(sevenHoursAgo, id).changes).toBe(1);
        db.prepare('UPDATE queue_message_summary SET created_at = ? WHERE message_id = ?').run(sevenHoursAgo, id);
      })();
    } finally {
      db.close();
    }
    await prom.waitForValue('mailroom_queue_oldest_message_age_seconds', (v) => v > 6 * 3600);
    const alert = await am.waitForFiring('MailroomOldestMessageTooOld');
    expect(alert.labels).toMatchObject({ severity: 'warning', instance: `127.0.0.1:${mr.ports.admin}` });
    expect(alert.annotations.summary).toMatch(/has waited 7h/);
    expect(alert.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/queue`);
    expect(alert.generatorURL).toContain('mailroom_queue_oldest_message_age_seconds');
  });
});
