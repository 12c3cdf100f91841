// @vitest-environment node
// The harness server end to end over real sockets: the plugin settings API (secrets write-only), and the
// plugin proxy in front of a real HTTP upstream: tokens by role, cookies, query strings, refusals,
// an unreachable upstream, and an event stream that must arrive line by line, not at the end.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pluginJson from '../../src/plugin.json';
import { startHarness, type Harness } from './server.mjs';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let upstream: http.Server;
let upstreamUrl: string;
let harness: Harness;
let seen: Seen[] = [];
let releaseSecondEvent: () => void = () => {};
const id = pluginJson.id;
const proxy = (p: string) => `${harness.url}/api/plugin-proxy/${id}/${p}`;
const as = (role: string, extra: Record<string, string> = {}) => ({ cookie: `grafana_session=secret-session; harness_role=${role}`, ...extra });

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/api/v1/log/stream')) {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.write(': heartbeat\n\nevent: log\ndata: {"msg":"first"}\n\n');
        releaseSecondEvent = () => {
          res.write('event: log\ndata: {"msg":"second"}\n\n');
          res.end();
        };
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'upstream=1' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-dist-'));
  fs.writeFileSync(path.join(dist, 'plugin.json'), JSON.stringify(pluginJson));
  fs.writeFileSync(path.join(dist, 'module.js'), 'define([], function () { return {}; });');
  harness = await startHarness({ distDir: dist, role: 'Viewer', settings: null });
});

afterAll(async () => {
  await harness.close();
  await new Promise((r) => upstream.close(r));
});

beforeEach(() => {
  seen = [];
  harness.setSettings({ jsonData: { apiUrl: upstreamUrl }, secureJsonData: { viewerToken: 'V', operatorToken: 'O', adminToken: 'A' } });
});

describe('plugin settings API', () => {
  it('never returns secrets, only which are set; only Admins save; empty secrets count as unset', async () => {
    harness.setSettings(null);
    expect((await fetch(proxy('api/v1/server'))).status).toBe(500);
    const denied = await fetch(`${harness.url}/api/plugins/${id}/settings`, { method: 'POST', headers: as('Editor'), body: '{}' });
    expect(denied.status).toBe(403);
    const saved = await fetch(`${harness.url}/api/plugins/${id}/settings`, {
      method: 'POST',
      headers: as('Admin', { 'Content-Type': 'application/json' }),
      body: JSON.stringify({ enabled: true, pinned: true, jsonData: { apiUrl: upstreamUrl }, secureJsonData: { viewerToken: 'V', adminToken: '' } }),
    });
    expect(saved.status).toBe(200);
    const text = await (await fetch(`${harness.url}/api/plugins/${id}/settings`)).text();
    expect(JSON.parse(text)).toMatchObject({ enabled: true, jsonData: { apiUrl: upstreamUrl }, secureJsonFields: { viewerToken: true } });
    expect(JSON.parse(text).secureJsonFields).not.toHaveProperty('adminToken');
    expect(text).not.toContain('"V"');
  });
});

describe('plugin proxy', () => {
  it('forwards a Viewer read with the viewer token and the query, without cookies, and strips Set-Cookie', async () => {
    const res = await fetch(proxy('api/v1/queue?search=a%20b&state=held'), { headers: as('Viewer') });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/queue?search=a%20b&state=held' });
    expect(seen[0]!.headers.authorization).toBe('Bearer V');
    expect(seen[0]!.headers.cookie).toBeUndefined();
  });

  it('refuses a Viewer action with 403 before it reaches Mailroom; an Editor gets through with the operator token', async () => {
    const denied = await fetch(proxy('api/v1/queue/01ABCDEFGHJK/hold'), { method: 'POST', headers: as('Viewer') });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ message: 'plugin proxy route access denied' });
    expect(seen).toHaveLength(0);
    const ok = await fetch(proxy('api/v1/queue/01ABCDEFGHJK/hold'), { method: 'POST', headers: as('Editor') });
    expect(ok.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/api/v1/queue/01ABCDEFGHJK/hold' });
    expect(seen[0]!.headers.authorization).toBe('Bearer O');
  });

  it('sends logging changes with the admin token, for Admins only, body and all', async () => {
    expect((await fetch(proxy('api/v1/logging'), { method: 'PUT', headers: as('Editor'), body: '{}' })).status).toBe(403);
    const body = JSON.stringify({ categories: { debug: true } });
    const res = await fetch(proxy('api/v1/logging'), { method: 'PUT', headers: as('Admin', { 'Content-Type': 'application/json' }), body });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/api/v1/logging', body });
    expect(seen[0]!.headers.authorization).toBe('Bearer A');
  });

  it('answers 404 for paths no route lists', async () => {
    const res = await fetch(proxy('api/v1/accounts'), { headers: as('Admin') });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: 'plugin route match not found' });
  });

  it('answers 502 with no body when Mailroom is unreachable', async () => {
    harness.setSettings({ jsonData: { apiUrl: 'http://127.0.0.1:1' }, secureJsonData: { viewerToken: 'V' } });
    const res = await fetch(proxy('api/v1/server'), { headers: as('Viewer') });
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('');
  });

  it('passes an event stream through as it arrives', async () => {
    const res = await fetch(proxy('api/v1/log/stream?session=S1'), { headers: as('Viewer', { Accept: 'text/event-stream' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"first"')) text += decoder.decode((await reader.read()).value);
    expect(text).not.toContain('"second"');
    releaseSecondEvent();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text).toContain('event: log\ndata: {"msg":"second"}');
    expect(seen[0]!.url).toBe('/api/v1/log/stream?session=S1');
  });
});

describe('static files and the page', () => {
  it('serves dist under /public/plugins/<id>/ and nothing outside it', async () => {
    const res = await fetch(`${harness.url}/public/plugins/${id}/module.js`);
    expect(res.headers.get('content-type')).toBe('application/javascript');
    expect(await res.text()).toContain('define(');
    expect((await fetch(`${harness.url}/public/plugins/${id}/..%2F..%2Fpackage.json`)).status).not.toBe(200);
  });

  it('boots the page with the signed-in role from the harness cookie', async () => {
    const login = await fetch(`${harness.url}/harness/login?role=Editor&next=/a/${id}/queue`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const html = await (await fetch(`${harness.url}/a/${id}/queue`, { headers: { cookie } })).text();
    expect(html).toContain('"orgRole":"Editor"');
    expect(html).toContain(`content="${id}"`);
    expect(html).toContain('/harness/extras/amd.js');
  });
});

describe('theme', () => {
  // The screenshots of both themes rely on this: Grafana's `?theme=light`, dark by default.
  const bootTheme = async (query: string) => {
    const html = await (await fetch(`${harness.url}/a/${id}/server${query}`)).text();
    const boot = JSON.parse(/window\.grafanaBootData = (.*?);<\/script>/.exec(html)![1]!) as { user: { theme: string } };
    return boot.user.theme;
  };

  it('boots in the light theme with ?theme=light, and dark otherwise', async () => {
    expect(await bootTheme('?theme=light')).toBe('light');
    expect(await bootTheme('')).toBe('dark');
    expect(await bootTheme('?theme=nonsense')).toBe('dark');
  });
});

describe('data sources and /api/ds/query', () => {
  let prometheus: http.Server;
  let withDs: Harness;
  const asked: URLSearchParams[] = [];

  beforeAll(async () => {
    // A Prometheus HTTP API that answers every range query with one series.
    prometheus = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        asked.push(new URLSearchParams(body));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: { state: 'deferred' }, values: [[1700000000, '3']] }] } }));
      });
    });
    await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-dist-'));
    fs.writeFileSync(path.join(dist, 'plugin.json'), JSON.stringify(pluginJson));
    withDs = await startHarness({
      distDir: dist,
      settings: null,
      datasources: [
        { uid: 'prom', name: 'Mailroom Prometheus', type: 'prometheus', url: `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`, jsonData: { timeInterval: '1s' } },
        { uid: 'logs', name: 'Mailroom Loki', type: 'loki', url: 'http://127.0.0.1:9' },
      ],
    });
  });

  afterAll(async () => {
    await withDs.close();
    await new Promise((r) => prometheus.close(r));
  });

  it('puts the data sources in the boot data as Grafana does, and answers the data source API by uid', async () => {
    const html = await (await fetch(`${withDs.url}/a/${id}/server`)).text();
    const boot = JSON.parse(/window\.grafanaBootData = (.*);<\/script>/.exec(html)![1]!) as {
      settings: { datasources: Record<string, { uid: string; meta: { id: string; metrics?: boolean; logs?: boolean } }>; defaultDatasource: string };
    };
    expect(Object.keys(boot.settings.datasources)).toEqual(['Mailroom Prometheus', 'Mailroom Loki']);
    expect(boot.settings.datasources['Mailroom Prometheus']).toMatchObject({ uid: 'prom', meta: { id: 'prometheus', metrics: true } });
    expect(boot.settings.datasources['Mailroom Loki']).toMatchObject({ uid: 'logs', meta: { id: 'loki', logs: true } });
    expect(boot.settings.defaultDatasource).toBe('Mailroom Prometheus');
    expect(await (await fetch(`${withDs.url}/api/datasources/uid/prom`)).json()).toMatchObject({ uid: 'prom', type: 'prometheus', access: 'proxy', jsonData: { timeInterval: '1s' } });
    expect((await fetch(`${withDs.url}/api/datasources/uid/nope`)).status).toBe(404);
  });

  it('runs a range query against the Prometheus behind the data source and answers data frames', async () => {
    const res = await fetch(`${withDs.url}/api/ds/query?ds_type=prometheus`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        from: '1700000000000',
        to: '1700003600000',
        queries: [
          {
            refId: 'A',
            expr: 'max by (state) (mailroom_queue_messages)',
            legendFormat: '{{state}}',
            range: true,
            intervalMs: 5000,
            maxDataPoints: 500,
            datasource: { type: 'prometheus', uid: 'prom' },
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { A: { status: number; frames: Array<{ schema: { fields: Array<{ config: object }> } }> } } };
    expect(body.results.A.status).toBe(200);
    expect(body.results.A.frames[0]!.schema.fields[1]!.config).toEqual({ displayNameFromDS: 'deferred' });
    expect(asked.at(-1)!.get('query')).toBe('max by (state) (mailroom_queue_messages)');
    expect(asked.at(-1)!.get('step')).toBe('5');
    expect((await fetch(`${withDs.url}/api/ds/query`, { method: 'POST', body: 'not json' })).status).toBe(400);
  });
});
