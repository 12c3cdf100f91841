// A real Prometheus scrapes a running Mailroom: after traffic PromQL returns the processed count,
// sessions rise while clients stay connected and fall after they leave, mailroom_server_running drops
// to 0 after a server stop while scraping keeps working. promtool lints the real /metrics output, and
// docs/metrics.md names exactly the metrics the live server serves.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';
import { PrometheusProcess } from './helpers/prometheus.ts';
import { python } from './helpers/python.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const TOKEN = 'prometheus-test-admin-token-5f2c9a7e1b';
const haveProm = requireCommand('prometheus', 'real Prometheus scraping test') && requireCommand('promtool', 'metrics lint');
let mr: MailroomProcess;
let prom: PrometheusProcess;

beforeAll(async () => {
  if (!haveProm) return;
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'dave@example.test', '--password', 'pw');
  await mr.start();
  prom = await PrometheusProcess.start([`127.0.0.1:${mr.ports.admin}`]);
});

afterAll(async () => {
  await prom?.stop();
  await mr?.stop();
  mr?.cleanup();
});

/** Opens an SMTP session and keeps it open after EHLO. */
function holdSession(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      if (/^220 /m.test(buf) && !buf.includes('EHLO-SENT')) {
        buf += 'EHLO-SENT';
        s.write('EHLO holder.test\r\n');
      } else if (/^250 /m.test(buf)) resolve(s);
    });
    s.once('error', reject);
  });
}

/** Connects and waits for the greeting, then keeps the socket open. */
function rawSession(port: number, greeting: RegExp): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString();
      if (greeting.test(buf)) resolve(s);
    });
    s.once('error', reject);
  });
}

describe.runIf(haveProm)('Prometheus scraping Mailroom', () => {
  it('sees processed messages, sessions rising and falling, and the server stopping', async () => {
    await python(
      `
import smtplib, os
for i in range(5):
    s = smtplib.SMTP('127.0.0.1', int(os.environ['PORT']), timeout=10)
    s.sendmail('x@remote.test', ['dave@example.test'], 'Subject: m%d\\r\\n\\r\\nbody\\r\\n' % i)
    s.quit()
`,
      { PORT: String(mr.ports.smtp) },
    );
    expect(await prom.waitForValue('sum(mailroom_messages_processed_total{job="mailroom"})', (v) => v === 5)).toBe(5);
    expect(await prom.waitForValue('mailroom_messages_processed_total{source="smtp"}', (v) => v === 5)).toBe(5);
    expect(await prom.waitForValue('mailroom_deliveries_total{destination="local",result="delivered"}', (v) => v === 5)).toBe(5);

    const held = await Promise.all([holdSession(mr.ports.smtp), holdSession(mr.ports.smtp), holdSession(mr.ports.submission)]);
    expect(await prom.waitForValue('mailroom_sessions{protocol="smtp"}', (v) => v === 2)).toBe(2);
    expect(await prom.waitForValue('mailroom_sessions{protocol="submission"}', (v) => v === 1)).toBe(1);
    for (const s of held) s.destroy();
    expect(await prom.waitForValue('mailroom_sessions{protocol="smtp"}', (v) => v === 0)).toBe(0);
    expect(await prom.waitForValue('mailroom_sessions{protocol="submission"}', (v) => v === 0)).toBe(0);
    expect(await prom.waitForValue('mailroom_sessions_opened_total{protocol="smtp"}', (v) => v >= 7)).toBeGreaterThanOrEqual(7);

    // IMAP and POP3 sessions count the same way: open while connected, gone when the client leaves.
    const imap = await Promise.all([rawSession(mr.ports.imap, /^\* OK/m), rawSession(mr.ports.imap, /^\* OK/m)]);
    const pop3 = await rawSession(mr.ports.pop3, /^\+OK/m);
    expect(await prom.waitForValue('mailroom_sessions{protocol="imap"}', (v) => v === 2)).toBe(2);
    expect(await prom.waitForValue('mailroom_sessions{protocol="pop3"}', (v) => v === 1)).toBe(1);
    for (const s of [...imap, pop3]) s.destroy();
    expect(await prom.waitForValue('mailroom_sessions{protocol="imap"}', (v) => v === 0)).toBe(0);
    expect(await prom.waitForValue('mailroom_sessions{protocol="pop3"}', (v) => v === 0)).toBe(0);

    expect(await prom.waitForValue('mailroom_server_running', (v) => v === 1)).toBe(1);
    const stop = await mr.admin('/api/v1/server/stop', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(stop.status).toBe(200);
    expect(await prom.waitForValue('mailroom_server_running', (v) => v === 0)).toBe(0);
    expect(await prom.waitForValue('up{job="mailroom"}', (v) => v === 1)).toBe(1);
    // Counters survive the server stop: the service kept running.
    expect(await prom.waitForValue('sum(mailroom_messages_processed_total)', (v) => v === 5)).toBe(5);
    const start = await mr.admin('/api/v1/server/start', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(start.status).toBe(200);
    expect(await prom.waitForValue('mailroom_server_running', (v) => v === 1)).toBe(1);
    expect(await prom.waitForValue('mailroom_build_info{database="sqlite"}', (v) => v === 1)).toBe(1);
  });

  it('serves /metrics that promtool finds nothing wrong with, and that docs/metrics.md lists exactly', async () => {
    const text = await (await mr.admin('/metrics')).text();
    const check = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
      child.stdin!.end(text);
    });
    expect(check.out).toBe('');
    expect(check.code).toBe(0);

    const served = new Set([...text.matchAll(/^# HELP (mailroom_\w+) /gm)].map((m) => m[1]));
    const doc = fs.readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `(mailroom_\w+)` \|/gm)].map((m) => m[1]));
    expect([...served].sort()).toEqual([...documented].sort());
    void run;
  });
});
