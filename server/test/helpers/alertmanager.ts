// A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port with a private config and
// data folder, no clustering, grouping waits of a second, and one receiver: a webhook in the test process
// that keeps every notification as Alertmanager's documented webhook JSON (version 4).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { waitForHttpReady } from './http-ready.ts';
import { freePort } from './ports.ts';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  generatorURL: string;
}

export interface WebhookNotification {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: WebhookAlert[];
}

export class AlertmanagerProcess {
  private child: ChildProcess | null = null;
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly webhook: http.Server,
    /** Every notification the webhook received, in order. */
    readonly notifications: WebhookNotification[],
  ) {}

  static async start(): Promise<AlertmanagerProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-am-'));
    const notifications: WebhookNotification[] = [];
    const webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        notifications.push(JSON.parse(body) as WebhookNotification);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    const hookPort = (webhook.address() as AddressInfo).port;
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: webhook',
        '  group_by: [alertname, instance]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: webhook',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${hookPort}/alerts`,
        '        send_resolved: true',
        '',
      ].join('\n'),
    );
    const am = new AlertmanagerProcess(port, dir, webhook, notifications);
    am.child = spawn(
      'prometheus-alertmanager',
      [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.child.stdout!.on('data', (c: Buffer) => (am.output += c.toString()));
    am.child.stderr!.on('data', (c: Buffer) => (am.output += c.toString()));
    await waitForHttpReady(`http://127.0.0.1:${port}/-/ready`, 'alertmanager', am.child, () => am.output);
    return am;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Waits until the webhook has received a firing alert with this name, and returns it. */
  waitForFiring(alertname: string, timeoutMs = 60_000): Promise<WebhookAlert> {
    return this.waitForStatus(alertname, 'firing', timeoutMs);
  }

  /** Waits until the webhook has received this alert with this status (resolved needs send_resolved). */
  async waitForStatus(alertname: string, status: WebhookAlert['status'], timeoutMs = 60_000): Promise<WebhookAlert> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const n of this.notifications) {
        const alert = n.alerts.find((a) => a.status === status && a.labels.alertname === alertname);
        if (alert) return alert;
      }
      if (Date.now() > deadline) {
        const seen = this.notifications.flatMap((n) => n.alerts.map((a) => `${a.labels.alertname} ${a.status}`));
        throw new Error(`${alertname} ${status} did not reach the webhook within ${timeoutMs} ms (seen: ${seen.join(', ') || 'nothing'})\n${this.output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    await new Promise((r) => this.webhook.close(r));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
