// The harness server: a small Grafana for one app plugin. It serves index.html (SystemJS + the shared
// modules + dist/module.js, as Grafana loads a plugin), the plugin's dist/ under /public/plugins/<id>/,
// the plugin settings API (/api/plugins/<id>/settings: jsonData readable, secureJsonData write-only,
// secureJsonFields), and /api/plugin-proxy/<id>/... through grafana-proxy.mjs with dist/plugin.json's
// routes. The signed-in user's org role comes from the `harness_role` cookie (GET /harness/login?role=),
// so a browser test can be a Viewer, an Editor or an Admin. Data sources (options.datasources) are in the
// boot data as Grafana writes them, at GET /api/datasources and /api/datasources/uid/<uid>, and
// POST /api/ds/query runs Prometheus range queries against the real Prometheus behind each (ds-query.mjs).
//
//   node test/harness/server.mjs --port 3000 --api-url http://127.0.0.1:9425 \
//     --viewer-token V --operator-token O --admin-token A [--role Admin] [--prometheus-url http://127.0.0.1:9090]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answerDsQuery } from './ds-query.mjs';
import { proxyPluginRequest } from './grafana-proxy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const ROLES = ['Viewer', 'Editor', 'Admin'];
const TYPES = {
  '.js': 'application/javascript',
  '.mjs': 'application/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.md': 'text/markdown',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

function cookies(req) {
  const out = {};
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

function sendFile(res, file) {
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': st.size, 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
}

/** Serves `rel` from `root`, refusing paths that leave it. */
function sendUnder(res, root, rel) {
  const file = path.resolve(root, `.${path.posix.normalize(`/${decodeURIComponent(rel)}`)}`);
  if (!file.startsWith(path.resolve(root) + path.sep)) {
    res.writeHead(403);
    return res.end();
  }
  sendFile(res, file);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

// What Grafana knows of its core data source plugins (their plugin.json, in short).
const DATASOURCE_PLUGINS = {
  prometheus: { id: 'prometheus', name: 'Prometheus', metrics: true, alerting: true, annotations: true, backend: true },
  loki: { id: 'loki', name: 'Loki', metrics: true, logs: true, alerting: true, annotations: true, backend: true },
};

function datasourceMeta(type) {
  const plugin = DATASOURCE_PLUGINS[type] ?? { id: type, name: type };
  return {
    ...plugin,
    type: 'datasource',
    module: `core:plugin/${type}`,
    baseUrl: `public/app/plugins/datasource/${type}`,
    info: { author: { name: 'Grafana Labs' }, description: '', links: [], logos: { small: '', large: '' }, screenshots: [], updated: '', version: '12.4.10' },
  };
}

/** options.datasources as Grafana's boot data and data source API show them. */
function describeDatasources(list = []) {
  return list.map((d, i) => ({
    id: i + 1,
    uid: d.uid,
    name: d.name ?? d.uid,
    type: d.type,
    url: d.url,
    isDefault: Boolean(d.isDefault),
    jsonData: d.jsonData ?? {},
  }));
}

/**
 * Starts the harness. options: port (0: any), host, distDir, role (default for requests without the
 * cookie), settings ({ jsonData, secureJsonData } or null: the app not configured yet), datasources
 * ([{ uid, name, type: 'prometheus' | 'loki', url, jsonData, isDefault }]: url is the real Prometheus or
 * Loki; only Prometheus can be queried).
 */
export async function startHarness(options = {}) {
  const distDir = path.resolve(options.distDir ?? path.join(here, '../../dist'));
  const sharedDir = path.resolve(options.sharedDir ?? path.join(here, 'dist'));
  const systemDir = path.join(path.dirname(require.resolve('systemjs/package.json')), 'dist');
  // Grafana serves @grafana/ui's icons from public/build/img/icons/; the npm package ships them too.
  const iconDir = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
  const pluginJson = JSON.parse(fs.readFileSync(path.join(distDir, 'plugin.json'), 'utf8'));
  const id = pluginJson.id;
  const defaultRole = options.role ?? 'Admin';
  let settings = options.settings ? { enabled: true, pinned: true, jsonData: {}, secureJsonData: {}, ...options.settings } : null;
  const indexHtml = fs.readFileSync(path.join(here, 'index.html'), 'utf8');
  const datasources = describeDatasources(options.datasources);
  const datasourceByUid = new Map(datasources.map((d) => [d.uid, d]));
  // GET /api/datasources/uid/<uid>: Grafana's data source DTO (secrets only as secureJsonFields).
  const datasourceDto = (d) => ({
    id: d.id,
    uid: d.uid,
    orgId: 1,
    name: d.name,
    type: d.type,
    typeName: DATASOURCE_PLUGINS[d.type]?.name ?? d.type,
    typeLogoUrl: '',
    access: 'proxy',
    url: d.url,
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    withCredentials: false,
    isDefault: d.isDefault,
    jsonData: d.jsonData,
    secureJsonFields: {},
    version: 1,
    readOnly: true,
  });
  // The boot data's settings.datasources: keyed by name, each with its plugin's meta, url the proxy path.
  const bootDatasources = Object.fromEntries(
    datasources.map((d) => [
      d.name,
      {
        id: d.id,
        uid: d.uid,
        name: d.name,
        type: d.type,
        meta: datasourceMeta(d.type),
        url: `/api/datasources/proxy/uid/${d.uid}`,
        isDefault: d.isDefault,
        access: 'proxy',
        jsonData: d.jsonData,
        readOnly: true,
      },
    ]),
  );
  const defaultDatasource = (datasources.find((d) => d.isDefault) ?? datasources[0])?.name ?? '';

  const roleOf = (req) => {
    const r = cookies(req).harness_role;
    return ROLES.includes(r) ? r : defaultRole;
  };
  const secureJsonFields = () =>
    Object.fromEntries(
      Object.entries(settings?.secureJsonData ?? {})
        .filter(([, v]) => typeof v === 'string' && v.length > 0)
        .map(([k]) => [k, true]),
    );

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://harness');
    const p = url.pathname;
    try {
      if (p.startsWith(`/api/plugin-proxy/`)) {
        return proxyPluginRequest(req, res, { pluginJson, settings, user: { orgRole: roleOf(req), login: 'harness' } });
      }
      if (p === `/api/plugins/${id}/settings`) {
        if (req.method === 'GET') {
          return json(res, 200, {
            id,
            name: pluginJson.name,
            type: pluginJson.type,
            enabled: settings?.enabled ?? false,
            pinned: settings?.pinned ?? false,
            jsonData: settings?.jsonData ?? {},
            secureJsonFields: secureJsonFields(),
          });
        }
        if (req.method === 'POST') {
          if (roleOf(req) !== 'Admin') return json(res, 403, { message: 'Permission denied' });
          const body = JSON.parse((await readBody(req)) || '{}');
          settings = {
            enabled: body.enabled ?? settings?.enabled ?? false,
            pinned: body.pinned ?? settings?.pinned ?? false,
            jsonData: body.jsonData ?? settings?.jsonData ?? {},
            secureJsonData: { ...(settings?.secureJsonData ?? {}), ...(body.secureJsonData ?? {}) },
          };
          return json(res, 200, { message: 'Plugin settings updated' });
        }
        return json(res, 405, { message: 'Method not allowed' });
      }
      if (p === '/api/datasources' && req.method === 'GET') return json(res, 200, datasources.map(datasourceDto));
      if (p.startsWith('/api/datasources/uid/') && req.method === 'GET') {
        const d = datasourceByUid.get(decodeURIComponent(p.slice('/api/datasources/uid/'.length)));
        return d ? json(res, 200, datasourceDto(d)) : json(res, 404, { message: 'Data source not found' });
      }
      if (p === '/api/ds/query' && req.method === 'POST') {
        let body;
        try {
          body = JSON.parse((await readBody(req)) || '{}');
        } catch {
          return json(res, 400, { message: 'bad request data' });
        }
        const answer = await answerDsQuery(body, datasourceByUid);
        return json(res, answer.status, answer.body);
      }
      if (p.startsWith('/api/')) return json(res, 404, { message: 'Not found' });
      if (p === '/harness/login') {
        const role = url.searchParams.get('role');
        if (!ROLES.includes(role ?? '')) return json(res, 400, { message: `role must be one of ${ROLES.join(', ')}` });
        res.writeHead(302, { 'Set-Cookie': `harness_role=${role}; Path=/; SameSite=Lax`, Location: url.searchParams.get('next') ?? '/' });
        return res.end();
      }
      if (p === '/harness/system.js') return sendFile(res, path.join(systemDir, 'system.js'));
      if (p === '/harness/extras/amd.js') return sendFile(res, path.join(systemDir, 'extras', 'amd.js'));
      if (p.startsWith('/harness/')) return sendUnder(res, sharedDir, p.slice('/harness/'.length));
      if (p === '/public/build/img/icons/unicons/spinner.svg') {
        // Grafana's own public/ has it; the npm package does not. A plain circle keeps the console quiet.
        res.writeHead(200, { 'Content-Type': 'image/svg+xml' });
        return res.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/></svg>');
      }
      if (p.startsWith('/public/build/img/icons/')) return sendUnder(res, iconDir, p.slice('/public/build/img/icons/'.length));
      if (p.startsWith(`/public/plugins/${id}/`)) return sendUnder(res, distDir, p.slice(`/public/plugins/${id}/`.length));
      if (req.method !== 'GET') return json(res, 404, { message: 'Not found' });
      const role = roleOf(req);
      const boot = {
        settings: {
          appSubUrl: '',
          appUrl: `http://${req.headers.host}/`,
          featureToggles: {},
          buildInfo: { version: '12.4.10', edition: 'Harness', env: 'production' },
          datasources: bootDatasources,
          defaultDatasource,
        },
        user: {
          id: 1,
          login: 'harness',
          name: 'Harness user',
          orgId: 1,
          orgName: 'Main Org.',
          orgRole: role,
          isGrafanaAdmin: role === 'Admin',
          isSignedIn: true,
          // Grafana's own `?theme=light` URL parameter; dark is Grafana's default.
          theme: url.searchParams.get('theme') === 'light' ? 'light' : 'dark',
          timezone: 'browser',
          locale: 'en-US',
          language: 'en-US',
        },
        navTree: [],
      };
      const head = `<meta name="harness-plugin-id" content="${id}" />\n    <script>window.grafanaBootData = ${JSON.stringify(boot)};</script>`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(indexHtml.replace('<!--BOOT-->', head));
    } catch (err) {
      if (!res.headersSent) json(res, 500, { message: String(err?.message ?? err) });
      else res.destroy();
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    pluginId: id,
    getSettings: () => settings,
    setSettings: (next) => {
      settings = next ? { enabled: true, pinned: true, jsonData: {}, secureJsonData: {}, ...next } : null;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
    server,
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.HARNESS_PORT ?? '3000' },
      host: { type: 'string', default: '127.0.0.1' },
      'api-url': { type: 'string', default: process.env.MAILROOM_API_URL },
      'viewer-token': { type: 'string', default: process.env.MAILROOM_VIEWER_TOKEN },
      'operator-token': { type: 'string', default: process.env.MAILROOM_OPERATOR_TOKEN },
      'admin-token': { type: 'string', default: process.env.MAILROOM_ADMIN_TOKEN },
      'loki-uid': { type: 'string', default: process.env.MAILROOM_LOKI_UID },
      'prometheus-url': { type: 'string', default: process.env.MAILROOM_PROMETHEUS_URL },
      role: { type: 'string', default: 'Admin' },
    },
  });
  const secure = Object.fromEntries(
    [
      ['viewerToken', values['viewer-token']],
      ['operatorToken', values['operator-token']],
      ['adminToken', values['admin-token']],
    ].filter(([, v]) => v),
  );
  const prometheusUrl = values['prometheus-url'];
  const jsonData = {
    ...(values['api-url'] ? { apiUrl: values['api-url'] } : {}),
    ...(values['loki-uid'] ? { lokiDatasourceUid: values['loki-uid'] } : {}),
    ...(prometheusUrl ? { prometheusDatasourceUid: 'mailroom-prometheus' } : {}),
  };
  const harness = await startHarness({
    datasources: prometheusUrl ? [{ uid: 'mailroom-prometheus', name: 'Mailroom Prometheus', type: 'prometheus', url: prometheusUrl, jsonData: { timeInterval: '15s' } }] : [],
    port: Number(values.port),
    host: values.host,
    role: values.role,
    settings: values['api-url'] ? { jsonData, secureJsonData: secure } : null,
  });
  process.stdout.write(`Mailroom app harness on ${harness.url} (role ${values.role}; /harness/login?role=Viewer|Editor|Admin to switch)\n`);
  const stop = () => harness.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
