// Alerting end to end with real parts: a real Mailroom, a real Prometheus evaluating the shipped alert
// rules (provisioning/prometheus/rules/mailroom-alerts.yml), a real Alertmanager, and a webhook receiver.
// The rules are used as shipped, but for two things an installation changes too: ${GRAFANA_URL} is filled
// in (as the file's header says, with envsubst), and every `for:` is shortened to 1 s so the test does not
// wait minutes. The conditions are made real, never by writing metrics: a virus scanner that does not
// answer (clamd configured at a port nothing listens on: the high-severity self-test warning), a queue that
// keeps growing (101 messages relayed through a smarthost that refuses connections, so each is deferred),
// the server stopped through the admin API (the process keeps answering scrapes) and started again, and a
// message stuck past the 6-hour threshold (it cannot leave while delivery is stopped; its creation time is
// set 7 hours back in the database, the one thing a test cannot wait for). Each must reach the webhook as
// Alertmanager delivers it, with the annotations that link into the Grafana app.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { AlertmanagerProcess } from './helpers/alertmanager.ts';
import { MailroomProcess } from './helpers/mailroom.ts';
import { RULES_FILE } from './helpers/observability.ts';
import { freePort } from './helpers/ports.ts';
import { PrometheusProcess } from './helpers/prometheus.ts';
import { python } from './helpers/python.ts';
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

/** Relays `count` messages to a remote recipient over one SMTP session (Python's smtplib, a real client). */
async function relay(count: number, first: number): Promise<void> {
  await python(
    `
import smtplib, os
s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=30)
first = int(os.environ['FIRST'])
for i in range(first, first + int(os.environ['COUNT'])):
    s.sendmail('app@example.test', ['customer@remote.test'], 'Subject: invoice %d\\r\\n\\r\\nbody\\r\\n' % i)
s.quit()
`,
    { PORT: String(mr.ports.smtp), COUNT: String(count), FIRST: String(first) },
  );
}

const api = (pathname: string, method = 'GET', body?: unknown) =>
  mr.admin(pathname, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

beforeAll(async () => {
  if (!haveParts) return;
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-alerting-'));
  // Nothing listens on these two ports: clamd is unreachable and so is the smarthost. Loopback may relay
  // without AUTH (trusted_networks), the way an application server on the same host would.
  const [deadClamd, deadRelay] = [await freePort(), await freePort()];
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_ADMIN_TOKEN: TOKEN,
      MAILROOM_CLAMD: `tcp://127.0.0.1:${deadClamd}`,
      MAILROOM_RELAY: `127.0.0.1:${deadRelay}`,
      MAILROOM_TRUSTED_NETWORKS: '127.0.0.1/32',
    },
  });
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
  it('a healthy running server raises none of these alerts', async () => {
    await prom.waitForValue('mailroom_server_running', (v) => v === 1);
    // Rules are evaluated every second with `for: 1s`: a few evaluations with nothing wrong.
    await new Promise((r) => setTimeout(r, 3_000));
    const firing = (await prom.query('ALERTS{alertstate="firing"}')).map((a) => a.metric.alertname);
    expect(firing).not.toContain('MailroomServerStopped');
    expect(firing).not.toContain('MailroomOldestMessageTooOld');
    expect(firing).not.toContain('MailroomQueueGrowing');
    expect(firing).not.toContain('MailroomDeferralRatioHigh');
  });

  it('an unreachable virus scanner reaches the webhook as MailroomHighConfigWarning, linking to the Warnings page', async () => {
    const alert = await am.waitForFiring('MailroomHighConfigWarning');
    expect(alert.labels).toMatchObject({ severity: 'warning', id: 'clamd_unreachable', instance: `127.0.0.1:${mr.ports.admin}` });
    expect(alert.annotations.summary).toContain('clamd_unreachable');
    expect(alert.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/warnings`);
  });

  it('a queue growing past 100 deferred messages reaches the webhook as MailroomQueueGrowing and MailroomDeferralRatioHigh, linking to the Queue page', async () => {
    // Two batches with a scrape between them: the rules look at growth over time (delta, increase), so
    // Prometheus must have seen the queue before it grew past the threshold, as it would in real life.
    await relay(40, 0);
    await prom.waitForValue('mailroom_queue_messages{state="deferred"}', (v) => v === 40);
    await relay(61, 40);
    await prom.waitForValue('sum(mailroom_queue_messages{state=~"queued|deferred"})', (v) => v === 101);
    const growing = await am.waitForFiring('MailroomQueueGrowing');
    expect(growing.labels).toMatchObject({ severity: 'warning', instance: `127.0.0.1:${mr.ports.admin}` });
    expect(growing.annotations.summary).toMatch(/holds 101 messages and keeps growing/);
    expect(growing.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/queue`);
    const deferring = await am.waitForFiring('MailroomDeferralRatioHigh');
    expect(deferring.annotations.summary).toMatch(/defers 100% of delivery attempts/);
    expect(deferring.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/queue`);
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

  it('starting the server again reaches the webhook as MailroomServerStopped resolved', async () => {
    expect((await api('/api/v1/server/start', 'POST')).status).toBe(200);
    const resolved = await am.waitForStatus('MailroomServerStopped', 'resolved');
    expect(resolved.annotations.runbook_url).toBe(`${GRAFANA_URL}/a/mailroom-admin-app/server`);
  });
});
