// The message trace: where did this message go? Finds messages by queue id, Message-ID, sender or
// recipient, queued or finished (within delivery.history_days), and shows one message's timeline from
// acceptance through every attempt to leaving the queue (store/history-store.ts keeps it).
import Router from '@koa/router';
import { z } from 'zod';
import type { HistorySummary, MessageHistory } from '../../store/history-store.ts';
import type { QueueMessage } from '../../store/types.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseQuery } from '../query.ts';
import type { TracePage, TraceTimeline } from '../response-schemas.ts';

const single = <S extends z.ZodType>(s: S) => z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), s);

/** A time as ISO 8601 (`2026-12-04T10:00:00Z`, `2026-12-04`) or milliseconds since the epoch. */
const time = single(
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const ms = /^\d{1,15}$/.test(v) ? Number(v) : /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) {
        ctx.addIssue({ code: 'custom', message: `not a time: "${v.slice(0, 40)}" (ISO 8601 like 2026-12-04T10:00:00Z, or milliseconds since the epoch)` });
        return z.NEVER;
      }
      return ms;
    }),
);

export const traceQuerySchema = z
  .object({
    search: single(z.string().max(200).optional()).describe('substring of the queue id, Message-ID, sender or a recipient (case-insensitive)'),
    from: time.describe('accepted at or after: ISO 8601 or milliseconds since the epoch'),
    to: time.describe('accepted before: ISO 8601 or milliseconds since the epoch'),
    offset: single(z.coerce.number().int().min(0).max(10_000_000).default(0)),
    limit: single(z.coerce.number().int().min(1).max(500).default(50)),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] });

const iso = (ms: number) => new Date(ms).toISOString();

function summaryJson(h: HistorySummary): TracePage['items'][number] {
  return {
    id: h.id,
    messageId: h.messageIdHeader,
    from: h.sender,
    to: h.recipients,
    size: h.size,
    source: h.source as TracePage['items'][number]['source'],
    acceptedAt: iso(h.acceptedAt),
    finishedAt: h.finishedAt === null ? null : iso(h.finishedAt),
    state: h.finishedAt === null ? 'queued' : 'finished',
  };
}

export function timelineJson(h: MessageHistory, queued: QueueMessage | null): TraceTimeline {
  const last = new Map<string, TraceTimeline['recipients'][number]['state']>();
  for (const a of h.attempts) last.set(a.recipient, a.result);
  const inQueue = new Map((queued?.recipients ?? []).map((r) => [r.address.toLowerCase(), r.state]));
  const events: TraceTimeline['events'] = [
    { type: 'accepted', time: iso(h.acceptedAt), node: h.node, clientAddress: h.clientAddress, tls: h.tls, size: h.size, scan: h.scan },
    ...h.attempts.map((a) => ({
      type: 'attempt' as const,
      time: iso(a.at),
      recipient: a.recipient,
      result: a.result,
      mxHost: a.mxHost ?? null,
      mxIp: a.mxIp ?? null,
      tls: a.tls ?? null,
      replyCode: a.replyCode ?? null,
      replyText: a.replyText ?? null,
      durationMs: a.durationMs ?? null,
    })),
  ];
  if (h.finishedAt !== null) events.push({ type: 'left_queue', time: iso(h.finishedAt) });
  return {
    ...summaryJson(h),
    recipients: h.recipients.map((address) => {
      const now = inQueue.get(address);
      const final = last.get(address);
      return { address, state: now ?? (h.finishedAt === null ? (final ?? 'queued') : final === 'deferred' || final === undefined ? 'removed' : final) };
    }),
    events,
    omittedAttempts: h.omittedAttempts,
  };
}

export function traceRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/trace' });

  router.get('/', requireRole('viewer'), async (ctx) => {
    const q = parseQuery(ctx, traceQuerySchema);
    const { total, items } = await deps.store.searchHistory({ search: q.search || undefined, from: q.from, to: q.to, offset: q.offset, limit: q.limit });
    ctx.body = { total, offset: q.offset, limit: q.limit, items: items.map(summaryJson) } satisfies TracePage;
  });

  router.get('/:id', requireRole('viewer'), async (ctx) => {
    const id = String(ctx.params.id ?? '');
    if (!/^[0-9A-Za-z]{1,64}$/.test(id)) throw new ApiError(400, 'invalid_parameters', 'id: not a queue id');
    const history = await deps.store.getHistory(id);
    if (!history) throw notFound('message history');
    const queued = history.finishedAt === null ? await deps.store.getQueueMessage(id) : null;
    ctx.body = timelineJson(history, queued) satisfies TraceTimeline;
  });

  return router;
}
