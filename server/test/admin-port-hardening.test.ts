// The admin port against a browser on a rebinding domain and a token guesser, with the real server:
// requests naming an unknown host in Host get 421 JSON before any route (health checks and /metrics
// included) while IP literals, localhost, the hostname and admin.allowed_hosts pass; a wrong API or
// metrics token is answered 401 only after auth.failure_delay_ms, without holding up other requests,
// counted in mailroom_admin_auth_failures_total{endpoint}, never logged, and not counted toward auto-ban.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailroomProcess } from './helpers/mailroom.ts';

const ADMIN = 'hardening-test-admin-token-4f9c2e7a1b8d3c6e';
const METRICS = 'hardening-test-metrics-token-7d2a9f4c1e8b5a3f';
const GUESS = 'guessed-token-that-is-wrong-3a8f1c';
const DELAY_MS = 1000;
let mr: MailroomProcess;

interface Reply {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
  ms: number;
}

/** node:http, because fetch does not let a caller choose the Host header. */
function request(pathname: string, headers: Record<string, string> = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: mr.ports.admin, path: pathname, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: Reply['body'] = {};
        try {
          body = JSON.parse(text) as Reply['body'];
        } catch {
          // /metrics is text
        }
        resolve({ status: res.statusCode!, body, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
  });
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await mr.admin('/metrics', { headers: bearer(METRICS) })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_ADMIN_TOKEN: ADMIN,
      MAILROOM_ADMIN_METRICS_TOKEN: METRICS,
      MAILROOM_ADMIN_ALLOWED_HOSTS: 'grafana-proxy.internal',
      // Loopback may be banned here, so a wrong token that counted toward auto-ban would show.
      MAILROOM_AUTH_BAN_LOOPBACK: 'true',
      MAILROOM_AUTH_BAN_FAILURES: '3',
      MAILROOM_IMAP_PORT: 'off',
      MAILROOM_POP3_PORT: 'off',
    },
  });
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('Host header check', () => {
  it('answers 421 with JSON to a host name it does not know, on every path', async () => {
    for (const [pathname, headers] of [
      ['/healthz', {}],
      ['/metrics', bearer(METRICS)],
      ['/api/v1/server', bearer(ADMIN)],
      ['/api/v1/openapi.json', {}],
    ] as const) {
      const res = await request(pathname, { ...headers, Host: `rebind.attacker.example:${mr.ports.admin}` });
      expect(res.status, pathname).toBe(421);
      expect(res.body.error).toEqual({ code: 'misdirected_request', message: expect.stringContaining('admin.allowed_hosts') });
    }
  });

  it('answers to IP literals, localhost, the hostname and admin.allowed_hosts', async () => {
    const port = mr.ports.admin;
    for (const host of [`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`, 'mx.mailroom.test', `GRAFANA-PROXY.internal:${port}`, `192.0.2.10:${port}`]) {
      expect((await request('/healthz', { Host: host })).status, host).toBe(200);
    }
  });
});

describe('wrong tokens', () => {
  it('answers a wrong API token 401 after the delay while other requests go on, and counts it', async () => {
    const before = await metric('mailroom_admin_auth_failures_total', 'endpoint="api"');
    const wrong = Array.from({ length: 4 }, () => request('/api/v1/status', bearer(GUESS)));
    const right = await request('/api/v1/status', bearer(ADMIN));
    const settled = await Promise.all(wrong);
    expect(right.status).toBe(200);
    for (const res of settled) {
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('unauthorized');
      expect(res.ms).toBeGreaterThanOrEqual(DELAY_MS * 0.9);
    }
    // Served meanwhile, not after the delays: the right token was answered before any wrong one.
    expect(right.ms).toBeLessThan(Math.min(...settled.map((r) => r.ms)));
    // Four delays side by side, not one after the other.
    expect(Math.max(...settled.map((r) => r.ms))).toBeLessThan(DELAY_MS * 3);
    expect(await metric('mailroom_admin_auth_failures_total', 'endpoint="api"')).toBe(before + 4);
  });

  it('answers a wrong metrics token the same way, and does not count a missing token', async () => {
    const wrong = await request('/metrics', bearer(GUESS));
    expect(wrong.status).toBe(401);
    expect(wrong.ms).toBeGreaterThanOrEqual(DELAY_MS * 0.9);
    expect(await metric('mailroom_admin_auth_failures_total', 'endpoint="metrics"')).toBe(1);
    const missing = await request('/api/v1/status');
    expect(missing.status).toBe(401);
    expect(await metric('mailroom_admin_auth_failures_total', 'endpoint="metrics"')).toBe(1);
  });

  it('does not ban the address (auto-ban counts mail logins only), and never logs a token', async () => {
    const bans = await request('/api/v1/bans', bearer(ADMIN));
    expect(bans.body.items).toEqual([]);
    // The SMTP listener still greets this address.
    const greeting = await new Promise<string>((resolve, reject) => {
      const s = net.connect(mr.ports.smtp, '127.0.0.1');
      s.once('data', (d) => {
        resolve(d.toString());
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(greeting).toMatch(/^220 /);
    expect(mr.output).toContain('wrong bearer token');
    for (const secret of [GUESS, ADMIN, METRICS]) expect(mr.output).not.toContain(secret);
  });
});
