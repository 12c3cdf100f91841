// The harness's stand-in for Grafana's frontend: the shared modules Grafana hands to plugins (react,
// @grafana/ui, @grafana/data, @grafana/runtime, ...), a backendSrv that calls the harness server, a
// PluginPage that draws the page title, what Scenes needs from Grafana (the data source service, runRequest,
// the time series and stat panels with the standard field options, the app event bus, the location
// service's context: datasources.ts, runRequest.ts, panels.tsx, fieldConfig.ts), and a shell that routes /a/<id>/* to the app's root page and /plugins/<id> to its
// configuration page, with a nav built from plugin.json like Grafana's.
// index.html registers `modules` with SystemJS under Grafana's names, imports dist/module.js and boots.
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import { EventBusSrv, PluginContextProvider, type AppPlugin, type AppPluginMeta } from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import {
  config,
  LocationServiceProvider,
  locationService,
  setAppEvents,
  setBackendSrv,
  setDataSourceSrv,
  setPluginImportUtils,
  setRunRequest,
  type BackendSrv,
  type BackendSrvRequest,
  type FetchResponse,
  type PluginPageProps,
} from '@grafana/runtime';
import * as grafanaUi from '@grafana/ui';
import { GlobalStyles, ThemeContext } from '@grafana/ui';
import * as lodash from 'lodash';
import * as moment from 'moment';
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as jsxRuntime from 'react/jsx-runtime';
import * as ReactRouterDom from 'react-router-dom';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import * as rxjs from 'rxjs';
import { Observable } from 'rxjs';
// Not in @grafana/runtime's public exports; Grafana calls it at start-up. Aliased in webpack.harness.cjs.
import { setPluginPage } from 'grafana-runtime-plugin-page';
import { HarnessDataSourceSrv } from './datasources';
import { registerStandardFieldConfigs } from './fieldConfig';
import { panelImportUtils } from './panels';
import { runRequest } from './runRequest';

interface PluginJson {
  id: string;
  name: string;
  info: Record<string, unknown>;
  includes: Array<{ type: string; name: string; path: string; addToNav?: boolean; defaultNav?: boolean; role?: string }>;
}

const errors: string[] = [];
window.addEventListener('error', (e) => errors.push(String(e.message)));
window.addEventListener('unhandledrejection', (e) => errors.push(String((e.reason as Error)?.message ?? e.reason)));

function queryString(params: BackendSrvRequest['params']): string {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Grafana's backendSrv.fetch in short: same-origin fetch, JSON in and out, FetchError on a failure. */
function harnessFetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable((subscriber) => {
    const abort = new AbortController();
    const url = `${options.url.startsWith('/') ? '' : '/'}${options.url}${queryString(options.params)}`;
    const hasBody = options.data !== undefined;
    window
      .fetch(url, {
        method: options.method ?? 'GET',
        headers: { 'X-Grafana-Org-Id': '1', ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...(options.headers ?? {}) },
        body: hasBody ? JSON.stringify(options.data) : undefined,
        credentials: 'same-origin',
        signal: abort.signal,
      })
      .then(async (res) => {
        const text = await res.text();
        let data: unknown = text;
        if (options.responseType !== 'text' && text) {
          try {
            data = JSON.parse(text);
          } catch {
            data = text;
          }
        }
        if (options.responseType !== 'text' && !text) data = undefined;
        if (res.ok) {
          subscriber.next({
            data: data as T,
            status: res.status,
            statusText: res.statusText,
            ok: true,
            headers: res.headers,
            url: res.url,
            type: res.type,
            redirected: res.redirected,
            config: options,
          });
          subscriber.complete();
        } else {
          subscriber.error({ status: res.status, statusText: res.statusText, data, config: options });
        }
      })
      .catch((err: Error) => subscriber.error({ status: 0, statusText: err.message, data: undefined, config: options }));
    return () => abort.abort();
  });
}

const backendSrv = {
  fetch: harnessFetch,
  request: (o: BackendSrvRequest) => rxjs.lastValueFrom(harnessFetch(o)).then((r) => r.data),
  datasourceRequest: (o: BackendSrvRequest) => rxjs.lastValueFrom(harnessFetch(o)),
  get: (url: string, params?: BackendSrvRequest['params']) => rxjs.lastValueFrom(harnessFetch({ url, params })).then((r) => r.data),
  delete: (url: string, data?: unknown) => rxjs.lastValueFrom(harnessFetch({ url, method: 'DELETE', data })).then((r) => r.data),
  post: (url: string, data?: unknown) => rxjs.lastValueFrom(harnessFetch({ url, method: 'POST', data })).then((r) => r.data),
  patch: (url: string, data?: unknown) => rxjs.lastValueFrom(harnessFetch({ url, method: 'PATCH', data })).then((r) => r.data),
  put: (url: string, data?: unknown) => rxjs.lastValueFrom(harnessFetch({ url, method: 'PUT', data })).then((r) => r.data),
  resolveCancelerIfExists: () => {},
} as unknown as BackendSrv;

let currentPluginJson: PluginJson | null = null;

function HarnessPluginPage({ pageNav, actions, subTitle, children }: PluginPageProps) {
  const { pathname } = useLocation();
  const include = currentPluginJson?.includes.find((i) => i.path === pathname);
  const title = pageNav?.text ?? include?.name ?? currentPluginJson?.name ?? '';
  React.useEffect(() => {
    document.title = `${title} - Harness`;
  }, [title]);
  return (
    <div data-testid="harness-page">
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 16 }}>
        <h1 data-testid="harness-page-title" style={{ margin: 0, flex: 1 }}>
          {title}
        </h1>
        {actions}
      </div>
      {subTitle && <div>{subTitle}</div>}
      {children}
    </div>
  );
}

function Shell({ plugin, pluginJson }: { plugin: AppPlugin; pluginJson: PluginJson }) {
  const base = `/a/${pluginJson.id}`;
  const Root = plugin.root!;
  const configPage = plugin.configPages?.[0];
  const nav = pluginJson.includes.filter((i) => i.type === 'page' && i.addToNav);
  const home = pluginJson.includes.find((i) => i.defaultNav)?.path ?? base;
  return (
    <ThemeContext.Provider value={config.theme2}>
      <GlobalStyles />
      <LocationServiceProvider service={locationService}>
        <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <div
            style={{
              display: 'flex',
              minHeight: '100vh',
              background: config.theme2.colors.background.canvas,
              color: config.theme2.colors.text.primary,
              fontFamily: config.theme2.typography.fontFamily,
            }}
          >
            <nav data-testid="harness-nav" style={{ width: 200, padding: 16, borderRight: `1px solid ${config.theme2.colors.border.weak}` }}>
              <div style={{ fontWeight: 600, marginBottom: 12 }}>{pluginJson.name}</div>
              {nav.map((i) => (
                <div key={i.path} style={{ marginBottom: 8 }}>
                  <Link to={i.path} style={{ color: config.theme2.colors.text.link }}>
                    {i.name}
                  </Link>
                </div>
              ))}
              <div style={{ marginTop: 24, color: config.theme2.colors.text.secondary }} data-testid="harness-role">
                Role: {config.bootData.user.orgRole}
              </div>
            </nav>
            <main style={{ flex: 1, padding: 24, minWidth: 0 }}>
              <Routes>
                <Route
                  path={`${base}/*`}
                  element={
                    <PluginContextProvider meta={plugin.meta}>
                      <Root meta={plugin.meta} basename={base} query={{}} path={base} onNavChanged={() => {}} />
                    </PluginContextProvider>
                  }
                />
                {configPage && (
                  <Route
                    path={`/plugins/${pluginJson.id}`}
                    element={
                      <div data-testid="harness-config">
                        <h1>{configPage.title}</h1>
                        <configPage.body plugin={plugin} query={{}} />
                      </div>
                    }
                  />
                )}
                <Route path="*" element={<Navigate to={home} replace />} />
              </Routes>
            </main>
          </div>
        </BrowserRouter>
      </LocationServiceProvider>
    </ThemeContext.Provider>
  );
}

async function boot(pluginId: string, imported: Promise<{ plugin: AppPlugin }>): Promise<void> {
  setBackendSrv(backendSrv);
  setPluginPage(HarnessPluginPage);
  registerStandardFieldConfigs();
  // Grafana's app-wide event bus: panels publish and follow hover events on it.
  setAppEvents(new EventBusSrv());
  setDataSourceSrv(new HarnessDataSourceSrv(config.datasources, config.defaultDatasource));
  setRunRequest(runRequest);
  setPluginImportUtils(panelImportUtils);
  const [settings, pluginJson, module] = await Promise.all([
    window.fetch(`/api/plugins/${pluginId}/settings`).then((r) => r.json()),
    window.fetch(`/public/plugins/${pluginId}/plugin.json`).then((r) => r.json() as Promise<PluginJson>),
    imported,
  ]);
  currentPluginJson = pluginJson;
  const meta = {
    ...settings,
    id: pluginJson.id,
    name: pluginJson.name,
    type: 'app',
    info: pluginJson.info,
    includes: pluginJson.includes,
    baseUrl: `public/plugins/${pluginJson.id}`,
    module: `public/plugins/${pluginJson.id}/module.js`,
  } as unknown as AppPluginMeta;
  const plugin = module.plugin;
  plugin.init(meta);
  plugin.meta = meta;
  createRoot(document.getElementById('root')!).render(<Shell plugin={plugin} pluginJson={pluginJson} />);
  document.body.dataset.harness = 'ready';
}

(window as unknown as { __harness: unknown }).__harness = {
  /** Grafana's shared module names and what each resolves to. */
  modules: {
    react: React,
    'react-dom': ReactDOM,
    'react/jsx-runtime': jsxRuntime,
    'react-router-dom': ReactRouterDom,
    rxjs,
    '@emotion/css': emotionCss,
    '@emotion/react': emotionReact,
    '@grafana/data': grafanaData,
    '@grafana/ui': grafanaUi,
    '@grafana/runtime': grafanaRuntime,
    lodash,
    moment,
  },
  boot,
  errors,
};
