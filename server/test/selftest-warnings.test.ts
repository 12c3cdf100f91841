// Every configuration warning of the self-test appears when its condition is created and disappears
// when the condition is fixed, read the way Prometheus and the plugin read them: from /metrics
// (mailroom_config_warnings) and GET /api/v1/warnings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import { MailroomProcess } from './helpers/mailroom.ts';

const TOKEN = 'selftest-admin-token-8f3b1d7c2e9a5f40';
const started: MailroomProcess[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-selftest-'));

afterAll(async () => {
  for (const mr of started) {
    await mr.stop();
    mr.cleanup();
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function launch(env: Record<string, string>, dataDir?: string): Promise<MailroomProcess> {
  const mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, ...env }, ...(dataDir ? { dataDir } : {}) });
  await mr.start();
  started.push(mr);
  return mr;
}

/** Warning ids as /metrics shows them. */
async function metricIds(mr: MailroomProcess): Promise<string[]> {
  const text = await (await mr.admin('/metrics')).text();
  return [...text.matchAll(/^mailroom_config_warnings\{id="([^"]+)",severity="[a-z]+"\} 1$/gm)].map((m) => m[1]!).sort();
}

async function recheck(mr: MailroomProcess): Promise<string[]> {
  const res = await mr.admin('/api/v1/warnings/recheck', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Array<{ id: string; severity: string; message: string; remedy: string }> };
  for (const w of body.items) {
    expect(['critical', 'high', 'medium', 'low']).toContain(w.severity);
    expect(w.message.length).toBeGreaterThan(10);
    expect(w.remedy.length).toBeGreaterThan(10);
  }
  return body.items.map((w) => w.id).sort();
}

async function warningItems(mr: MailroomProcess): Promise<Array<{ id: string; severity: string; message: string; remedy: string }>> {
  await recheck(mr);
  const res = await mr.admin('/api/v1/warnings', { headers: { Authorization: `Bearer ${TOKEN}` } });
  return ((await res.json()) as { items: Array<{ id: string; severity: string; message: string; remedy: string }> }).items;
}

const api = (mr: MailroomProcess, p: string, method = 'GET', body?: unknown) =>
  mr.admin(p, { method, headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

async function certificate(name: string, notAfter: Date): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: 'mx.mailroom.test' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 30 * 86_400_000),
    notAfterDate: notAfter,
  });
  const cert = path.join(tmp, `${name}.crt`);
  const key = path.join(tmp, `${name}.key`);
  fs.writeFileSync(cert, pems.cert);
  fs.writeFileSync(key, pems.private);
  return { cert, key };
}

describe('configuration warnings', () => {
  it('flags a bad configuration and clears every warning once it is fixed', async () => {
    const expired = await certificate('expired', new Date(Date.now() - 86_400_000));
    const bad = await launch({
      MAILROOM_HOSTNAME: 'localhost',
      MAILROOM_TRUSTED_NETWORKS: '0.0.0.0/0',
      MAILROOM_BIND: '0.0.0.0',
      MAILROOM_ADMIN_TOKEN: 'short',
      MAILROOM_LOG_LEVEL: 'debug',
      MAILROOM_SELFTEST_MIN_FREE_DISK_BYTES: String(2 ** 52), // 4 PiB: more than any disk here
      MAILROOM_TLS_CERT_FILE: expired.cert,
      MAILROOM_TLS_KEY_FILE: expired.key,
    });
    const ids = await metricIds(bad);
    for (const id of [
      'hostname_not_fqdn',
      'open_relay_trusted_networks',
      'admin_port_exposed',
      'admin_token_weak',
      'debug_logging_on',
      'disk_space_low',
      'tls_certificate_expired',
      'tls_certificate_self_signed',
      'no_local_domain',
    ]) {
      expect(ids).toContain(id);
    }
    expect((await bad.admin('/metrics')).ok).toBe(true);
    const dataDir = bad.dataDir;
    await bad.stop();
    started.splice(started.indexOf(bad), 1);

    // The same data directory with a sound configuration.
    const good = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test' }, dataDir);
    const after = await metricIds(good);
    for (const id of ['hostname_not_fqdn', 'open_relay_trusted_networks', 'admin_port_exposed', 'admin_token_weak', 'debug_logging_on', 'disk_space_low', 'tls_certificate_expired']) {
      expect(after).not.toContain(id);
    }
    // Without a configured certificate Mailroom generates a self-signed one, and says so.
    expect(after).toContain('tls_certificate_self_signed');
  });

  it('flags public trusted networks, a certificate about to expire and a missing admin token', async () => {
    const soon = await certificate('soon', new Date(Date.now() + 5 * 86_400_000));
    const mr = await launch({ MAILROOM_TRUSTED_NETWORKS: '8.8.8.0/24', MAILROOM_TLS_CERT_FILE: soon.cert, MAILROOM_TLS_KEY_FILE: soon.key, MAILROOM_ADMIN_TOKEN: '' });
    const ids = await metricIds(mr);
    expect(ids).toEqual(expect.arrayContaining(['public_trusted_networks', 'tls_certificate_expiring', 'admin_token_missing']));
    expect(ids).not.toContain('open_relay_trusted_networks');
    expect(ids).not.toContain('tls_certificate_expired');
  });

  it('flags a weak token among admin.tokens by its name, never showing the token', async () => {
    const weak = 'grafana-viewer-pw1';
    const mr = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_ADMIN_TOKENS: `grafana:viewer:${weak}` });
    const items = await warningItems(mr);
    const warning = items.find((w) => w.id === 'admin_token_weak');
    expect(warning).toMatchObject({ severity: 'high', message: expect.stringContaining('admin.tokens entry "grafana" (viewer): 18 characters, fewer than 32') });
    expect(JSON.stringify(items)).not.toContain(weak);
    expect(mr.output).not.toContain(weak);
    // The strong admin.token alone raises nothing.
    const strong = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test' });
    expect(await recheck(strong)).not.toContain('admin_token_weak');
  });

  it('flags a weak metrics token, never showing the token', async () => {
    const weak = 'metrics'.repeat(6);
    const mr = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_ADMIN_METRICS_TOKEN: weak });
    const items = await warningItems(mr);
    expect(items.find((w) => w.id === 'metrics_token_weak')).toMatchObject({ severity: 'medium', message: expect.stringContaining('admin.metrics_token') });
    expect(JSON.stringify(items)).not.toContain(weak);
    expect(mr.output).not.toContain(weak);
    const text = await (await mr.admin('/metrics', { headers: { Authorization: `Bearer ${weak}` } })).text();
    expect(text).toMatch(/^mailroom_config_warnings\{id="metrics_token_weak",severity="medium"\} 1$/m);
    const strong = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_ADMIN_METRICS_TOKEN: 'b3f1c9e27a4d8f60e5c2b7a9d1f4e8c3' });
    expect(await recheck(strong)).not.toContain('metrics_token_weak');
  });

  it('follows the directory, the queue and the log categories without a restart', async () => {
    const mr = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_SELFTEST_MAX_QUEUE_AGE_SECONDS: '1' });
    expect(await recheck(mr)).toContain('no_local_domain');
    expect((await api(mr, '/api/v1/domains', 'POST', { name: 'example.test' })).status).toBe(201);
    let ids = await recheck(mr);
    expect(ids).not.toContain('no_local_domain');
    expect(ids).toContain('no_accounts');
    expect((await api(mr, '/api/v1/accounts', 'POST', { address: 'hank@example.test', password: 'long-enough-pw' })).status).toBe(201);
    expect(await recheck(mr)).not.toContain('no_accounts');

    // An old message in the queue (delivery paused by a server stop so it stays there).
    await api(mr, '/api/v1/server/stop', 'POST');
    const injected = await api(mr, '/api/v1/messages', 'POST', { from: 'x@remote.test', to: ['hank@example.test'], raw: 'Subject: old\r\n\r\nx\r\n' });
    const { id } = (await injected.json()) as { id: string };
    await new Promise((r) => setTimeout(r, 1500));
    expect(await recheck(mr)).toContain('queue_messages_old');
    expect((await api(mr, `/api/v1/queue/${id}`, 'DELETE')).status).toBe(204);
    expect(await recheck(mr)).not.toContain('queue_messages_old');
    await api(mr, '/api/v1/server/start', 'POST');

    await api(mr, '/api/v1/logging', 'PUT', { categories: { debug: true } });
    expect(await recheck(mr)).toContain('debug_category_on');
    await api(mr, '/api/v1/logging', 'PUT', { categories: { debug: false } });
    ids = await recheck(mr);
    expect(ids).not.toContain('debug_category_on');
    expect(await metricIds(mr)).toEqual(ids);
  });

  it('warns while Loki pushes fail and stops once they go through', async () => {
    const loki = await LokiReceiver.start();
    try {
      await loki.down();
      const mr = await launch({ MAILROOM_HOSTNAME: 'mx.mailroom.test', MAILROOM_LOKI_URL: loki.url, MAILROOM_LOKI_BATCH_WAIT_MS: '100' });
      const deadline = Date.now() + 15_000;
      let ids: string[] = [];
      while (Date.now() < deadline && !(ids = await recheck(mr)).includes('loki_push_failing')) await new Promise((r) => setTimeout(r, 300));
      expect(ids).toContain('loki_push_failing');
      await loki.up();
      await loki.waitFor(() => loki.accepted().length > 0, 'lines to reach Loki once it is back', 30_000);
      const until = Date.now() + 30_000;
      while (Date.now() < until && (ids = await recheck(mr)).includes('loki_push_failing')) await new Promise((r) => setTimeout(r, 300));
      expect(ids).not.toContain('loki_push_failing');
    } finally {
      await loki.close();
    }
  });
});
