// The admin API calls the pages make, one function per route (server/src/admin/routes/*.ts), each typed by
// what that route's entry in the OpenAPI document says it answers (routes.ts, openapi-types.ts).
import { config } from '@grafana/runtime';
import { PROXY_BASE } from '../constants';
import { classifyError, MailroomError, toMailroomError } from './errors';
import { call, cleanParams } from './client';
import type { Answer, Body } from './routes';
import type { QueueAction, QueueFilter, QueueListQuery } from './types';

const queueId = (id: string) => `/api/v1/queue/${encodeURIComponent(id)}`;
// Message content has its own proxy route (plugin.json `api/v1/queue-content/*`): Editor and the operator
// token, since a message's text is private. Grafana appends only what the route's `*` matched, so the path
// after the prefix is the admin API's path under /api/v1/queue. Through the Viewer route Mailroom refuses it.
const contentPath = (id: string) => `/api/v1/queue-content/${encodeURIComponent(id)}/content`;
const filterParams = (f: QueueFilter) => ({ search: f.search?.trim() || undefined, state: f.state });

export const mailroomApi = {
  server: () => call<Answer<'/api/v1/server', 'get'>>('GET', '/api/v1/server'),
  startServer: () => call<Answer<'/api/v1/server/start', 'post'>>('POST', '/api/v1/server/start'),
  stopServer: () => call<Answer<'/api/v1/server/stop', 'post'>>('POST', '/api/v1/server/stop'),
  status: () => call<Answer<'/api/v1/status', 'get'>>('GET', '/api/v1/status'),

  nodes: () => call<Answer<'/api/v1/nodes', 'get'>>('GET', '/api/v1/nodes'),
  /** Asks that node to start or stop its server; it applies the wish within a second. */
  nodeAction: (name: string, action: 'start' | 'stop') => call<Answer<'/api/v1/nodes/{name}/start', 'post'>>('POST', `/api/v1/nodes/${encodeURIComponent(name)}/${action}`),

  /** Routes and the relay setting; passwords come masked. */
  routes: () => call<Answer<'/api/v1/routes', 'get'>>('GET', '/api/v1/routes'),

  warnings: () => call<Answer<'/api/v1/warnings', 'get'>>('GET', '/api/v1/warnings'),
  recheckWarnings: () => call<Answer<'/api/v1/warnings/recheck', 'post'>>('POST', '/api/v1/warnings/recheck'),

  listQueue: (q: QueueListQuery) => call<Answer<'/api/v1/queue', 'get'>>('GET', '/api/v1/queue', { params: { offset: q.offset, limit: q.limit, sort: q.sort, ...filterParams(q) } }),
  queueItem: (id: string) => call<Answer<'/api/v1/queue/{id}', 'get'>>('GET', queueId(id)),
  parsedContent: (id: string) => call<Answer<'/api/v1/queue/{id}/content', 'get'>>('GET', contentPath(id), { params: { format: 'parsed' } }),
  /** The raw message/rfc822 source, as text (the document lists no JSON for it without ?format=parsed). */
  rawContent: (id: string) => call<string>('GET', contentPath(id), { responseType: 'text' }),
  queueAction: (id: string, action: QueueAction) => call<Answer<'/api/v1/queue/{id}/hold', 'post'>>('POST', `${queueId(id)}/${action}`),
  /** 204: nothing comes back. */
  removeFromQueue: (id: string) => call<unknown>('DELETE', queueId(id)),
  /** Removes everything, or only what the filter matches when one is given. */
  clearQueue: (filter: QueueFilter) => call<Answer<'/api/v1/queue', 'delete'>>('DELETE', '/api/v1/queue', { params: filterParams(filter) }),
  /** One request for an action on the selected messages; the answer lists the ones it could not act on. */
  bulkAction: (action: Body<'/api/v1/queue/bulk', 'post'>['action'], ids: string[]) => call<Answer<'/api/v1/queue/bulk', 'post'>>('POST', '/api/v1/queue/bulk', { data: { action, ids } }),
  sendNowMatching: (filter: QueueFilter) => call<Answer<'/api/v1/queue/send-now', 'post'>>('POST', '/api/v1/queue/send-now', { params: filterParams(filter) }),

  logging: () => call<Answer<'/api/v1/logging', 'get'>>('GET', '/api/v1/logging'),
  setLogging: (settings: Body<'/api/v1/logging', 'put'>) => call<Answer<'/api/v1/logging', 'put'>>('PUT', '/api/v1/logging', { data: settings }),
};

/** The URL an EventSource opens for the live log, through the plugin proxy (same origin, so Grafana's cookie goes along). */
export function logStreamUrl(params: { category?: string; session?: string }): string {
  const clean = cleanParams(params);
  const query = clean ? `?${new URLSearchParams(Object.entries(clean).map(([k, v]) => [k, String(v)])).toString()}` : '';
  return `${config.appSubUrl ?? ''}${PROXY_BASE}/api/v1/log/stream${query}`;
}

/**
 * EventSource does not say why a stream failed. This asks the same URL once with fetch and reads the
 * status (401/403 from Grafana or Mailroom, 404, 502 unreachable), then drops the connection.
 * Null when the stream answers 200 (the failure was elsewhere, e.g. the connection broke).
 */
export async function probeLogStream(url: string): Promise<MailroomError | null> {
  const abort = new AbortController();
  try {
    const res = await fetch(url, { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: abort.signal });
    if (res.ok) return null;
    let body: unknown = undefined;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    return new MailroomError(classifyError(res.status, body, res.statusText));
  } catch (err) {
    return toMailroomError(err);
  } finally {
    abort.abort();
  }
}
