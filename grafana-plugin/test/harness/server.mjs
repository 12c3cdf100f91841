// The harness server: a small Grafana for one app plugin. It serves index.html (SystemJS + the shared
// modules + dist/module.js, as Grafana loads a plugin), the plugin's dist/ under /public/plugins/<id>/,
// the plugin settings API (/api/plugins/<id>/settings: jsonData readable, secureJsonData write-only,
// secureJsonFields), and /api/plugin-proxy/<id>/... through grafana-proxy.mjs with dist/plugin.json's
// routes. The signed-in user's org role comes from the `harness_role` cookie (GET /harness/login?role=),
// so a browser test can be a Viewer, an Editor or an Admin.
//
//   node test/harness/server.mjs --port 3000 --api-url http://127.0.0.1:9425 \
//     --viewer-token V --operator-token O --admin-token A [--role Admin]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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

/**
 * Starts the harness. options: port (0: any), host, distDir, role (default for requests without the
 * cookie), settings ({ jsonData, secureJsonData } or null: the app not configured yet).
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
        settings: { appSubUrl: '', appUrl: `http://${req.headers.host}/`, featureToggles: {}, buildInfo: { version: '12.4.10', edition: 'Harness', env: 'production' } },
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
  const jsonData = { ...(values['api-url'] ? { apiUrl: values['api-url'] } : {}), ...(values['loki-uid'] ? { lokiDatasourceUid: values['loki-uid'] } : {}) };
  const harness = await startHarness({
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
