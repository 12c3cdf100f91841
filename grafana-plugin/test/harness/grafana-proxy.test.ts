// @vitest-environment node
// The harness's copy of Grafana's plugin proxy: route matching as Grafana 12 does it (its own test table),
// what our plugin.json lets each Grafana role do, and the proxying itself against a real HTTP upstream.
import { describe, expect, it } from 'vitest';
import pluginJson from '../../src/plugin.json';
import { findRoute, interpolate, joinURLFragments, matchPattern, roleIncludes, routeAllowed } from './grafana-proxy.mjs';

describe('route matching (Grafana pluginproxy TestPluginProxyRoutes)', () => {
  const routes = [
    { path: '', method: 'GET', url: 'http://localhost' },
    { path: 'some-api', method: 'GET', url: 'http://localhost/api' },
    { path: 'some-api/instances', method: 'GET', url: 'http://localhost/api/instances/' },
    { path: 'some-api/*', method: 'GET', url: 'http://localhost/api' },
    { path: 'some-api/instances/*', method: 'GET', url: 'http://localhost/api/instances' },
    { path: 'some-other-api/*', method: 'GET', url: 'http://localhost/api/v2' },
    { path: 'some-other-api/instances/*', method: 'GET', url: 'http://localhost/api/v2/instances' },
  ];
  const target = (proxyPath: string) => {
    const { route, rest } = findRoute(routes, 'GET', proxyPath);
    return route ? joinURLFragments(new URL(route.url!).pathname, rest) || '/' : null;
  };

  it.each([
    ['/notexists', null],
    ['/', '/'],
    ['/some-api', '/api'],
    ['/some-api/instances', '/api/instances/'],
    ['/some-api/some/thing', '/api/some/thing'],
    ['/some-api/instances/instance-one', '/api/instances/instance-one'],
    ['/some-other-api/some/thing', '/api/v2/some/thing'],
    ['/some-other-api/instances/instance-one', '/api/v2/instances/instance-one'],
  ])('%s → %s', (proxyPath, expected) => {
    expect(target(proxyPath)).toBe(expected);
  });

  it('matches a route without "*" exactly, and "x/*" not on "x" itself', () => {
    expect(matchPattern('api/v1/queue', 'api/v1/queue')).toEqual({});
    expect(matchPattern('api/v1/queue', 'api/v1/queue/')).toEqual({});
    expect(matchPattern('api/v1/queue', 'api/v1/queue/X')).toBeNull();
    expect(matchPattern('api/v1/queue/*', 'api/v1/queue')).toBeNull();
    expect(matchPattern('api/v1/queue/*', 'api/v1/queue/X/hold')).toMatchObject({ '*': 'X/hold' });
    expect(matchPattern('api/:version/queue', 'api/v9/queue')).toEqual({ ':version': 'v9' });
    expect(matchPattern('*', 'a/b/c')).toMatchObject({ '*': 'a/b/c' });
  });

  it('checks the method before the path, and an empty method matches any', () => {
    const rs = [
      { path: 'x', method: 'POST', url: 'http://h/post' },
      { path: 'x', url: 'http://h/any' },
    ];
    expect(findRoute(rs, 'POST', 'x').route?.url).toBe('http://h/post');
    expect(findRoute(rs, 'DELETE', 'x').route?.url).toBe('http://h/any');
  });
});

describe('roles', () => {
  it('Admin includes Editor includes Viewer; no reqRole means anyone', () => {
    expect(roleIncludes('Admin', 'Editor')).toBe(true);
    expect(roleIncludes('Editor', 'Admin')).toBe(false);
    expect(roleIncludes('Viewer', 'Viewer')).toBe(true);
    expect(roleIncludes('None', 'Viewer')).toBe(false);
    expect(roleIncludes('Viewer', undefined)).toBe(true);
  });
});

describe('templates', () => {
  const data = { JsonData: { apiUrl: 'http://127.0.0.1:9425' }, SecureJsonData: { viewerToken: 'v-123' } };
  it('fills .JsonData and .SecureJsonData, spaces or not', () => {
    expect(interpolate('{{ .JsonData.apiUrl }}/api/v1', data)).toBe('http://127.0.0.1:9425/api/v1');
    expect(interpolate('Bearer {{.SecureJsonData.viewerToken}}', data)).toBe('Bearer v-123');
  });
  it('prints what Go prints for missing keys', () => {
    expect(interpolate('{{ .JsonData.nope }}/x', data)).toBe('<no value>/x');
    expect(interpolate('Bearer {{ .SecureJsonData.adminToken }}', data)).toBe('Bearer ');
  });
  it('refuses other template syntax', () => {
    expect(() => interpolate('{{ if .JsonData.apiUrl }}x{{ end }}', data)).toThrow();
  });
  it('joins URL fragments like Go util.JoinURLFragments', () => {
    expect(joinURLFragments('/api/v1/queue', '')).toBe('/api/v1/queue');
    expect(joinURLFragments('/api/v1/queue', 'X/hold')).toBe('/api/v1/queue/X/hold');
    expect(joinURLFragments('/api/', '/x')).toBe('/api/x');
    expect(joinURLFragments('/api/', 'x')).toBe('/api/x');
  });
});

describe("our plugin.json through Grafana's rules", () => {
  const decide = (method: string, proxyPath: string, role: string) => {
    const { route, rest } = findRoute(pluginJson.routes, method, proxyPath);
    if (!route) return '404';
    // Old Grafana checks reqRole, 11.6+ reqAction: both must say the same.
    const byRole = roleIncludes(role, route.reqRole);
    expect(routeAllowed(pluginJson, route, role), `reqAction of ${method} ${route.path}`).toBe(byRole);
    if (!byRole) return '403';
    const data = { JsonData: { apiUrl: 'http://mailroom:9425' }, SecureJsonData: { viewerToken: 'V', operatorToken: 'O', adminToken: 'A' } };
    const url = new URL(interpolate(route.url!, data));
    return `${joinURLFragments(url.pathname, rest)} ${interpolate(route.headers![0]!.content, data)}`;
  };

  it('a Viewer reads every page with the viewer token', () => {
    expect(decide('GET', 'api/v1/server', 'Viewer')).toBe('/api/v1/server Bearer V');
    expect(decide('GET', 'api/v1/status', 'Viewer')).toBe('/api/v1/status Bearer V');
    expect(decide('GET', 'api/v1/warnings', 'Viewer')).toBe('/api/v1/warnings Bearer V');
    expect(decide('GET', 'api/v1/queue', 'Viewer')).toBe('/api/v1/queue Bearer V');
    // The envelope route carries the viewer token, which Mailroom refuses content to (403).
    expect(decide('GET', 'api/v1/queue/01ABCDEFGHJK/content', 'Viewer')).toBe('/api/v1/queue/01ABCDEFGHJK/content Bearer V');
    expect(decide('GET', 'api/v1/queue/01ABCDEFGHJK', 'Viewer')).toBe('/api/v1/queue/01ABCDEFGHJK Bearer V');
    expect(decide('GET', 'api/v1/logging', 'Viewer')).toBe('/api/v1/logging Bearer V');
    expect(decide('GET', 'api/v1/log/stream', 'Viewer')).toBe('/api/v1/log/stream Bearer V');
  });

  it('message content needs Editor and goes with the operator token', () => {
    expect(decide('GET', 'api/v1/queue-content/01ABCDEFGHJK/content', 'Viewer')).toBe('403');
    expect(decide('GET', 'api/v1/queue-content/01ABCDEFGHJK/content', 'Editor')).toBe('/api/v1/queue/01ABCDEFGHJK/content Bearer O');
    expect(decide('POST', 'api/v1/queue/bulk', 'Editor')).toBe('/api/v1/queue/bulk Bearer O');
    expect(decide('POST', 'api/v1/queue/bulk', 'Viewer')).toBe('403');
  });

  it('every route has a reqAction that plugin.json declares, and every page an action', () => {
    const declared = new Set(pluginJson.roles.flatMap((r: { role: { permissions: Array<{ action: string }> } }) => r.role.permissions.map((p) => p.action)));
    for (const route of pluginJson.routes) expect(declared.has(route.reqAction ?? ''), `${route.method} ${route.path}`).toBe(true);
    for (const page of pluginJson.includes.filter((i: { type: string; path?: string }) => i.type === 'page' && i.path?.startsWith('/a/')))
      expect(declared.has(page.action ?? ''), page.name).toBe(true);
  });

  it('a Viewer cannot act: every POST, DELETE and PUT is refused by Grafana', () => {
    for (const [method, p] of [
      ['POST', 'api/v1/server/stop'],
      ['POST', 'api/v1/server/start'],
      ['POST', 'api/v1/warnings/recheck'],
      ['POST', 'api/v1/queue/01ABCDEFGHJK/hold'],
      ['POST', 'api/v1/queue/send-now'],
      ['DELETE', 'api/v1/queue/01ABCDEFGHJK'],
      ['DELETE', 'api/v1/queue'],
      ['PUT', 'api/v1/logging'],
    ]) {
      expect(decide(method!, p!, 'Viewer'), `${method} ${p}`).toBe('403');
    }
  });

  it('an Editor acts with the operator token but cannot change logging', () => {
    expect(decide('POST', 'api/v1/server/stop', 'Editor')).toBe('/api/v1/server/stop Bearer O');
    expect(decide('POST', 'api/v1/queue/01ABCDEFGHJK/bounce', 'Editor')).toBe('/api/v1/queue/01ABCDEFGHJK/bounce Bearer O');
    expect(decide('POST', 'api/v1/queue/send-now', 'Editor')).toBe('/api/v1/queue/send-now Bearer O');
    expect(decide('DELETE', 'api/v1/queue', 'Editor')).toBe('/api/v1/queue Bearer O');
    expect(decide('DELETE', 'api/v1/queue/01ABCDEFGHJK', 'Editor')).toBe('/api/v1/queue/01ABCDEFGHJK Bearer O');
    expect(decide('PUT', 'api/v1/logging', 'Editor')).toBe('403');
  });

  it('an Admin changes logging with the admin token', () => {
    expect(decide('PUT', 'api/v1/logging', 'Admin')).toBe('/api/v1/logging Bearer A');
  });

  it('nothing else of the admin API is reachable through the app', () => {
    expect(decide('GET', 'api/v1/accounts', 'Admin')).toBe('404');
    expect(decide('POST', 'api/v1/messages', 'Admin')).toBe('404');
    expect(decide('DELETE', 'api/v1/domains/example.test', 'Admin')).toBe('404');
    expect(decide('GET', 'metrics', 'Admin')).toBe('404');
    expect(decide('PATCH', 'api/v1/queue', 'Admin')).toBe('404');
  });
});
