// Grafana's app plugin proxy (/api/plugin-proxy/<plugin id>/...), re-implemented for the harness from
// Grafana 12's pkg/api/plugin_proxy.go, pkg/api/pluginproxy/pluginproxy.go and pkg/web/tree.go, so the
// browser test runs the plugin against a real Mailroom through the same rules:
//   - the proxy path is the escaped request path after /api/plugin-proxy/<id>/;
//   - routes are tried in plugin.json order: the method must equal the route's (unless it is "" or "*"),
//     then the path must match the route's pattern as Grafana's router tree matches it (static segments,
//     :params, and a trailing "*" that takes the rest, which is what gets appended to the route URL; a
//     route without "*" matches its exact path only and appends nothing);
//   - the first route that matches decides: with a reqAction (Grafana 11.6+, RBAC), the user must hold that
//     action, which the plugin's `roles` grant to basic roles; otherwise the user's org role must include
//     its reqRole; if not the answer is
//     403 {"message":"plugin proxy route access denied"} (no later route is tried); no route: 404
//     {"message":"plugin route match not found"};
//   - the route URL and header values are Go templates over .JsonData and .SecureJsonData;
//   - cookies are not forwarded, Set-Cookie does not come back, responses get
//     Content-Security-Policy: sandbox, an unreachable upstream is a 502 with no body, and event streams
//     are passed through as they arrive.
import http from 'node:http';
import https from 'node:https';

const ROLE_RANK = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

/**
 * The RBAC actions a basic role holds from the plugin's `roles` (Grafana also lets Admins hold what is
 * granted to Editors and Viewers: basic roles inherit).
 */
export function actionsOf(pluginJson, orgRole) {
  const held = new Set();
  for (const r of pluginJson?.roles ?? []) {
    if ((r.grants ?? []).some((g) => roleIncludes(orgRole, g))) for (const p of r.role?.permissions ?? []) held.add(p.action);
  }
  return held;
}

/** Grafana 12's hasAccessToRoute: reqAction by RBAC when the route has one, reqRole otherwise. */
export function routeAllowed(pluginJson, route, orgRole) {
  if (route.reqAction) return actionsOf(pluginJson, orgRole).has(route.reqAction);
  return roleIncludes(orgRole, route.reqRole);
}

/** Grafana's RoleType.Includes: Admin includes Editor includes Viewer. */
export function roleIncludes(userRole, reqRole) {
  if (!reqRole || !(reqRole in ROLE_RANK)) return true; // an invalid or empty reqRole is not checked
  return (ROLE_RANK[userRole] ?? 0) >= ROLE_RANK[reqRole];
}

function unescapePath(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%2B'));
  } catch {
    return null;
  }
}

function patternType(raw) {
  const p = raw.replace(/^\?+/, '');
  if (p === '*') return { type: 'all' };
  if (p === '*.*') return { type: 'ext' };
  if (p.includes(':')) {
    const names = [];
    let re = p.replace(/:(int|string)\b/g, (_, t) => `\u0000${t}`);
    re = re.replace(/:([a-zA-Z0-9]+)(\([^)]*\))?/g, (_, name, group) => {
      names.push(`:${name}`);
      return group ?? '(.+)';
    });
    re = re.replace(/\u0000int/g, '([0-9]+)').replace(/\u0000string/g, '([\\w]+)');
    if (re === '(.+)' && names.length === 1) return { type: 'holder', names };
    return { type: 'regexp', names, reg: new RegExp(re) };
  }
  return { type: 'static', pattern: raw };
}

/** The route pattern split the way Tree.Add splits it: subtree segments, then the leaf. */
function splitPattern(pattern) {
  let p = pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
  const segs = [];
  for (;;) {
    if (p.startsWith('/')) p = p.slice(1);
    const i = p.indexOf('/');
    if (i === -1) {
      segs.push(p);
      return segs;
    }
    segs.push(p.slice(0, i));
    p = p.slice(i + 1);
  }
}

function matchLeaf(leafRaw, url, params, glob) {
  const u = unescapePath(url);
  if (u === null) return false;
  const leaf = patternType(leafRaw);
  switch (leaf.type) {
    case 'static':
      return leaf.pattern === u;
    case 'regexp': {
      const m = leaf.reg.exec(u);
      if (!m || m.length - 1 !== leaf.names.length) return false;
      leaf.names.forEach((n, i) => (params[n] = m[i + 1]));
      return true;
    }
    case 'ext': {
      const j = u.lastIndexOf('.');
      params[':path'] = j > -1 ? u.slice(0, j) : u;
      if (j > -1) params[':ext'] = u.slice(j + 1);
      return true;
    }
    case 'holder':
      params[leaf.names[0]] = u;
      return true;
    case 'all':
      params['*'] = u;
      params[`*${glob}`] = u;
      return true;
  }
  return false;
}

function matchNext(segs, level, url, params, glob) {
  const last = segs.length - 1;
  const slash = url.indexOf('/');
  if (slash === -1) return level === last && matchLeaf(segs[last], url, params, glob);
  const segment = url.slice(0, slash);
  const rest = url.slice(slash + 1);
  const unescaped = unescapePath(segment);
  if (unescaped === null) return false;
  if (level < last) {
    const sub = patternType(segs[level]);
    if (sub.type === 'static' && sub.pattern === unescaped && matchNext(segs, level + 1, rest, params, glob)) return true;
    if (sub.type === 'regexp') {
      const m = sub.reg.exec(unescaped);
      if (m && m.length - 1 === sub.names.length) {
        sub.names.forEach((n, i) => (params[n] = m[i + 1]));
        if (matchNext(segs, level + 1, rest, params, glob)) return true;
      }
    }
    if (sub.type === 'holder' && matchNext(segs, level + 1, rest, params, glob + 1)) {
      params[sub.names[0]] = unescaped;
      return true;
    }
    if (sub.type === 'all' && matchNext(segs, level + 1, rest, params, glob + 1)) {
      params[`*${glob}`] = unescaped;
      return true;
    }
    return false;
  }
  // This level holds the leaf: only "*" (and "*.*") take more than one segment.
  const whole = unescapePath(`${segment}/${rest}`);
  if (whole === null) return false;
  const leaf = patternType(segs[last]);
  if (leaf.type === 'all') {
    params['*'] = whole;
    params[`*${glob}`] = whole;
    return true;
  }
  if (leaf.type === 'ext') {
    const j = whole.lastIndexOf('.');
    params[':path'] = j > -1 ? whole.slice(0, j) : whole;
    if (j > -1) params[':ext'] = whole.slice(j + 1);
    return true;
  }
  return false;
}

/** Grafana's web.MatchTest for one route pattern: the params when `url` matches, else null. */
export function matchPattern(pattern, url) {
  let u = url.startsWith('/') ? url.slice(1) : url;
  if (u.endsWith('/')) u = u.slice(0, -1);
  const params = {};
  return matchNext(splitPattern(pattern), 0, u, params, 0) ? params : null;
}

/**
 * The route Grafana picks for a request: the first whose method and pattern match, with the path that
 * gets appended to its URL. `{ route: null }` when none matches.
 */
export function findRoute(routes, method, proxyPath) {
  for (const route of routes ?? []) {
    if (route.method && route.method !== '*' && route.method !== method) continue;
    const params = matchPattern(route.path ?? '', proxyPath);
    if (!params) continue;
    return { route, rest: '*' in params ? params['*'] : '' };
  }
  return { route: null, rest: '' };
}

/** Go's util.JoinURLFragments. */
export function joinURLFragments(a, b) {
  if (b.length === 0) return a;
  const aslash = a.endsWith('/');
  const bslash = b.startsWith('/');
  if (aslash && bslash) return a + b.slice(1);
  if (!aslash && !bslash) return `${a}/${b}`;
  return a + b;
}

/**
 * The subset of Go's text/template that plugin.json routes use: {{ .JsonData.key }} and
 * {{ .SecureJsonData.key }}. A missing JsonData key prints "<no value>" (a map[string]any), a missing
 * secure key prints "" (a map[string]string), as Go does. Anything else throws, as a template Grafana
 * could not execute would fail the request.
 */
export function interpolate(template, data) {
  return template.replace(/\{\{-?\s*([^}]*?)\s*-?\}\}/g, (whole, expr) => {
    const m = /^\.(JsonData|SecureJsonData)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    if (!m) throw new Error(`unsupported template expression ${whole}`);
    const [, where, key] = m;
    const source = data[where] ?? {};
    if (!(key in source) || source[key] === null || source[key] === undefined) return where === 'JsonData' ? '<no value>' : '';
    const v = source[key];
    return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Go escapes a URL path like this when RawPath no longer fits Path. */
function escapePath(p) {
  return p
    .split('/')
    .map((seg) => encodeURIComponent(seg).replace(/%(21|24|26|27|28|29|2A|2B|2C|3A|3B|3D|40)/gi, (e) => decodeURIComponent(e)))
    .join('/');
}

function sendJson(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * Handles one request under /api/plugin-proxy/<pluginId>/.
 * options: { pluginJson, settings: { jsonData, secureJsonData } | null, user: { orgRole, login } }
 */
export function proxyPluginRequest(req, res, { pluginJson, settings, user }) {
  const escapedPath = (req.url ?? '/').split('?')[0];
  const query = (req.url ?? '').includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
  const idMatch = /^\/api\/plugin-proxy\/([\w-]+)\/?/.exec(escapedPath);
  if (!idMatch || !pluginJson || idMatch[1] !== pluginJson.id) return sendJson(res, 404, { message: 'Plugin not found, no installed plugin with that id' });
  if (!settings) return sendJson(res, 500, { message: 'Failed to fetch plugin settings' });
  const proxyPath = escapedPath.replace(/^\/api\/plugin-proxy\/([\w-]+)\/?/, '');

  const { route, rest } = findRoute(pluginJson.routes, req.method, proxyPath);
  if (!route) return sendJson(res, 404, { message: 'plugin route match not found' });
  if (!routeAllowed(pluginJson, route, user?.orgRole)) return sendJson(res, 403, { message: 'plugin proxy route access denied' });

  const data = { JsonData: settings.jsonData ?? {}, SecureJsonData: settings.secureJsonData ?? {} };
  let target;
  const headers = { ...req.headers };
  try {
    target = new URL(interpolate(route.url ?? '', data));
    for (const h of route.headers ?? []) headers[h.name.toLowerCase()] = interpolate(h.content, data);
  } catch {
    // Grafana fails the same way when the URL does not parse (e.g. apiUrl not set: "<no value>/api/...").
    res.writeHead(502);
    return res.end();
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    res.writeHead(502);
    return res.end();
  }
  delete headers.cookie;
  delete headers.origin;
  delete headers.referer;
  delete headers.host;
  for (const h of HOP_BY_HOP) delete headers[h];
  headers['x-forwarded-for'] = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
  headers['x-grafana-org-id'] = '1';

  const path = (escapePath(joinURLFragments(target.pathname, rest)) || '/') + query;
  const client = target.protocol === 'https:' ? https : http;
  const upstream = client.request({ protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path, headers, rejectUnauthorized: false }, (up) => {
    const out = { ...up.headers };
    delete out['set-cookie'];
    for (const h of HOP_BY_HOP) delete out[h];
    out['content-security-policy'] = 'sandbox';
    res.writeHead(up.statusCode ?? 502, out);
    // Event streams go through as they come (Go's ReverseProxy flushes text/event-stream at once).
    if (String(up.headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
    up.on('data', (chunk) => res.write(chunk));
    up.on('end', () => res.end());
    up.on('error', () => res.destroy());
  });
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502);
    res.end();
  });
  req.on('aborted', () => upstream.destroy());
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}
