// The message trace routes (server/src/admin/routes/trace.ts), typed by the OpenAPI document. Apart from
// mailroom.ts so the trace can grow without touching the other pages' calls.
import { call } from './client';
import type { components } from './openapi-types';
import type { Answer, Query } from './routes';

export type TracePage = components['schemas']['TracePage'];
export type TraceSummary = components['schemas']['TraceSummary'];
export type TraceTimeline = components['schemas']['TraceTimeline'];
export type TraceEvent = components['schemas']['TraceEvent'];
export type TraceQuery = Query<'/api/v1/trace', 'get'>;

export const traceApi = {
  search: (q: TraceQuery) =>
    call<Answer<'/api/v1/trace', 'get'>>('GET', '/api/v1/trace', {
      params: { search: q.search?.trim() || undefined, from: q.from || undefined, to: q.to || undefined, offset: q.offset, limit: q.limit },
    }),
  timeline: (id: string) => call<Answer<'/api/v1/trace/{id}', 'get'>>('GET', `/api/v1/trace/${encodeURIComponent(id)}`),
};
