// The admin API calls the pages make, one function per route (server/src/admin/routes/*.ts).
import { config } from '@grafana/runtime';
import { PROXY_BASE } from '../constants';
import { classifyError, MailroomError, toMailroomError } from '../services/errors';
import { call, cleanParams } from './client';
import type {
  LoggingSettings, ParsedMessage, QueueAction, QueueFilter, QueueItem, QueueListQuery, QueuePage, ServerInfo, StatusInfo, WarningList,
} from './types';

const queueId = (id: string) => `/api/v1/queue/${encodeURIComponent(id)}`;
const filterParams = (f: QueueFilter) => ({ search: f.search?.trim() || undefined, state: f.state });

export const mailroomApi = {
  server: () => call<ServerInfo>('GET', '/api/v1/server'),
  startServer: () => call<ServerInfo>('POST', '/api/v1/server/start'),
  stopServer: () => call<ServerInfo>('POST', '/api/v1/server/stop'),
  status: () => call<StatusInfo>('GET', '/api/v1/status'),

  warnings: () => call<WarningList>('GET', '/api/v1/warnings'),
  recheckWarnings: () => call<WarningList>('POST', '/api/v1/warnings/recheck'),

  listQueue: (q: QueueListQuery) =>
    call<QueuePage>('GET', '/api/v1/queue', { params: { offset: q.offset, limit: q.limit, sort: q.sort, ...filterParams(q) } }),
  queueItem: (id: string) => call<QueueItem>('GET', queueId(id)),
  parsedContent: (id: string) => call<ParsedMessage>('GET', `${queueId(id)}/content`, { params: { format: 'parsed' } }),
  rawContent: (id: string) => call<string>('GET', `${queueId(id)}/content`, { responseType: 'text' }),
  queueAction: (id: string, action: QueueAction) => call<unknown>('POST', `${queueId(id)}/${action}`),
  removeFromQueue: (id: string) => call<unknown>('DELETE', queueId(id)),
  /** Removes everything, or only what the filter matches when one is given. */
  clearQueue: (filter: QueueFilter) => call<{ removed: number }>('DELETE', '/api/v1/queue', { params: filterParams(filter) }),
  sendNowMatching: (filter: QueueFilter) => call<{ messages: number }>('POST', '/api/v1/queue/send-now', { params: filterParams(filter) }),

  logging: () => call<LoggingSettings>('GET', '/api/v1/logging'),
  setLogging: (settings: LoggingSettings) => call<LoggingSettings>('PUT', '/api/v1/logging', { data: settings }),
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
