import { describe, expect, it } from 'vitest';
import { AppPlugin } from '@grafana/data';
import { plugin } from './module';
import pluginJson from './plugin.json';
import { PLUGIN_ID, ROUTES } from './constants';

describe('module', () => {
  it('exports an app plugin with a root page and one configuration page', () => {
    expect(plugin).toBeInstanceOf(AppPlugin);
    expect(plugin.root).toBeTypeOf('function');
    expect(plugin.configPages).toHaveLength(1);
    expect(plugin.configPages![0]).toMatchObject({ id: 'configuration', title: 'Configuration' });
  });

  it('plugin.json lists the pages under the app, one of them the default', () => {
    expect(pluginJson.id).toBe(PLUGIN_ID);
    expect(pluginJson.type).toBe('app');
    const pages = pluginJson.includes.filter((i) => i.path.startsWith(`/a/${PLUGIN_ID}/`));
    expect(pages.map((p) => [p.name, p.path.split('/').pop()])).toEqual([
      ['Server', ROUTES.Server],
      ['Warnings', ROUTES.Warnings],
      ['Queue', ROUTES.Queue],
      ['Live log', ROUTES.LiveLog],
      ['Trace', ROUTES.Trace],
    ]);
    expect(pages.every((p) => p.addToNav)).toBe(true);
    expect(pages.filter((p) => 'defaultNav' in p && p.defaultNav)).toHaveLength(1);
    expect(pluginJson.includes.find((i) => i.path === `/plugins/${PLUGIN_ID}`)).toMatchObject({ role: 'Admin' });
  });

  it('plugin.json routes: reads with the viewer token (Viewer) but content (Editor, operator token), actions with the operator token (Editor), logging with the admin token (Admin)', () => {
    for (const r of pluginJson.routes) {
      expect(r.url.startsWith('{{ .JsonData.apiUrl }}/api/v1')).toBe(true);
      const token = r.headers[0]!.content;
      // Message content is the one read that needs Editor and the operator token (not for Viewers).
      if (r.method === 'GET' && r.path === 'api/v1/queue-content/*') expect([r.reqRole, token]).toEqual(['Editor', 'Bearer {{ .SecureJsonData.operatorToken }}']);
      else if (r.method === 'GET') expect([r.reqRole, token]).toEqual(['Viewer', 'Bearer {{ .SecureJsonData.viewerToken }}']);
      else if (r.method === 'PUT') expect([r.path, r.reqRole, token]).toEqual(['api/v1/logging', 'Admin', 'Bearer {{ .SecureJsonData.adminToken }}']);
      else expect([r.reqRole, token]).toEqual(['Editor', 'Bearer {{ .SecureJsonData.operatorToken }}']);
    }
    expect(new Set(pluginJson.routes.map((r) => r.method))).toEqual(new Set(['GET', 'POST', 'DELETE', 'PUT']));
  });
});
