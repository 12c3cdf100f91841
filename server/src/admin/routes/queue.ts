// The delivery queue, as hMailServer's Status > Delivery queue offers it and more: a paged snapshot
// with search, state filter and sort; show (envelope for viewers, raw or parsed content for operators:
// message bodies are private); send now; hold and release; bounce; remove; clear (everything or just what
// a filter matches); bulk send-now by filter, and one action on a list of selected ids (`/bulk`).
import Router from '@koa/router';
import type { QueueMessage } from '../../store/types.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parsedViewInWorker } from '../message-view-thread.ts';
import { readJson } from '../body.ts';
import { parseBody, parseQuery } from '../query.ts';
import type { QueueItemJson } from '../response-schemas.ts';
import { sendRawMessage } from '../raw-message.ts';
import { queueFilterSchema, queueListSchema } from './queue-filter.ts';
import { z } from 'zod';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** `?format=` of the content routes (queue and quarantine): the raw message, or the parsed view as JSON. */
export const contentQuerySchema = z.object({ format: z.enum(['raw', 'parsed']).default('raw') });
export const BULK_ACTIONS = ['send-now', 'hold', 'release', 'bounce', 'remove'] as const;
/** `POST /api/v1/queue/bulk`: one action on the messages an operator selected, in one request. */
export const queueBulkSchema = z.strictObject({
  action: z.enum(BULK_ACTIONS),
  ids: z.array(z.string()).min(1).max(1000),
});

export function queueItemJson(m: QueueMessage): QueueItemJson {
  return {
    id: m.id,
    from: m.sender,
    to: m.recipients.filter((r) => r.state !== 'delivered' && r.state !== 'bounced').map((r) => r.address),
    size: m.size,
    createdAt: new Date(m.createdAt).toISOString(),
    source: m.source,
    state: m.state,
    held: m.held,
    attempts: m.attempts,
    nextAttemptAt: iso(m.nextAttemptAt),
    lastError: m.lastError,
    recipients: m.recipients.map((r) => ({
      address: r.address,
      destination: r.destination,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: iso(r.nextAttemptAt),
      lastAttemptAt: iso(r.lastAttemptAt),
      lastError: r.lastError,
    })),
  };
}

export function queueRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/queue' });
  const { queue } = deps;

  router.get('/', requireRole('viewer'), async (ctx) => {
    const q = parseQuery(ctx, queueListSchema);
    const { total, totalExact, items } = await queue.list(q);
    ctx.body = { total, totalExact: totalExact ?? true, offset: q.offset, limit: q.limit, items: items.map(queueItemJson) };
  });

  router.delete('/', requireRole('operator'), async (ctx) => {
    const filter = parseQuery(ctx, queueFilterSchema);
    const removed = await queue.clear(filter);
    audit(ctx, 'queue.clear', { filter, messages: removed });
    ctx.body = { removed };
  });

  router.post('/send-now', requireRole('operator'), async (ctx) => {
    const filter = parseQuery(ctx, queueFilterSchema);
    const messages = await queue.sendNowMatching(filter);
    audit(ctx, 'queue.send-now', { filter, messages });
    ctx.body = { messages };
  });

  const id = z.object({ id: z.string().regex(/^[0-9A-Z]{10,32}$/, 'not a queue id') });
  const loadId = (params: unknown) => {
    const parsed = id.safeParse(params);
    if (!parsed.success) throw notFound('queued message');
    return parsed.data.id;
  };

  router.get('/:id', requireRole('viewer'), async (ctx) => {
    const m = await queue.get(loadId(ctx.params));
    if (!m) throw notFound('queued message');
    ctx.body = queueItemJson(m);
  });

  router.get('/:id/content', requireRole('operator'), async (ctx) => {
    const { format } = parseQuery(ctx, contentQuerySchema);
    const raw = await queue.content(loadId(ctx.params));
    if (!raw) throw notFound('queued message');
    if (format === 'parsed') {
      ctx.body = await parsedViewInWorker(raw);
    } else {
      sendRawMessage(ctx, raw, 'inline');
    }
  });

  // Each id is acted on alone (a held message refuses send-now, a removed one is gone), so the answer lists
  // what failed and why instead of failing the whole request for one message.
  const bulkRun: Record<(typeof BULK_ACTIONS)[number], (id: string) => Promise<boolean>> = {
    'send-now': async (m) => {
      const current = await queue.get(m);
      if (current?.held) throw new ApiError(409, 'held', `queued message ${m} is held: release it first`);
      return queue.sendNow(m);
    },
    hold: (m) => queue.hold(m),
    release: (m) => queue.release(m),
    bounce: (m) => queue.bounce(m),
    remove: (m) => queue.remove(m),
  };
  router.post('/bulk', requireRole('operator'), async (ctx) => {
    const body = parseBody(await readJson(ctx), queueBulkSchema);
    const ids = [...new Set(body.ids)];
    const failed: Array<{ id: string; message: string }> = [];
    let done = 0;
    for (const messageId of ids) {
      const valid = id.safeParse({ id: messageId });
      try {
        if (!valid.success || !(await bulkRun[body.action](messageId))) failed.push({ id: messageId, message: 'no such queued message' });
        else done++;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        failed.push({ id: messageId, message: err.message });
      }
    }
    audit(ctx, `queue.bulk.${body.action}`, { queueIds: ids, messages: done });
    ctx.body = { action: body.action, done, failed };
  });

  const action = (name: string, run: (id: string) => Promise<boolean>) =>
    router.post(`/:id/${name}`, requireRole('operator'), async (ctx) => {
      const messageId = loadId(ctx.params);
      if (!(await run(messageId))) throw notFound('queued message');
      audit(ctx, `queue.${name}`, { queueId: messageId, messages: 1 });
      const m = await queue.get(messageId);
      ctx.body = m ? queueItemJson(m) : { id: messageId, removed: true };
    });
  // A held message stays put until it is released: saying 200 and doing nothing would mislead.
  action('send-now', async (m) => {
    const current = await queue.get(m);
    if (current?.held) throw new ApiError(409, 'held', `queued message ${m} is held: release it first (POST /api/v1/queue/${m}/release)`);
    return queue.sendNow(m);
  });
  action('hold', (m) => queue.hold(m));
  action('release', (m) => queue.release(m));
  action('bounce', (m) => queue.bounce(m));

  router.delete('/:id', requireRole('operator'), async (ctx) => {
    const messageId = loadId(ctx.params);
    if (!(await queue.remove(messageId))) throw notFound('queued message');
    audit(ctx, 'queue.remove', { queueId: messageId, messages: 1 });
    ctx.status = 204;
  });
  return router;
}
