// The quarantine (scan.virus_action = quarantine): messages accepted with a virus in them and kept out of
// every mailbox. List and show (viewer), the content (operator: it is the infected message itself),
// release to the original recipients through the delivery queue, and delete (operator).
import Router from '@koa/router';
import { z } from 'zod';
import type { QuarantinedMessage } from '../../store/quarantine-store.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { notFound } from '../errors.ts';
import { parsedViewInWorker } from '../message-view-thread.ts';
import { parseQuery } from '../query.ts';
import { sendRawMessage } from '../raw-message.ts';

const single = <S extends z.ZodType>(s: S) => z.preprocess((v) => (Array.isArray(v) ? v[v.length - 1] : v), s);

export const quarantineListSchema = z.object({
  offset: single(z.coerce.number().int().min(0).max(10_000_000).default(0)),
  limit: single(z.coerce.number().int().min(1).max(500).default(50)),
});

export function quarantineItemJson(m: QuarantinedMessage) {
  return {
    id: m.id,
    from: m.sender,
    to: m.recipients.map((r) => r.address),
    size: m.size,
    createdAt: new Date(m.createdAt).toISOString(),
    source: m.source,
    clientAddress: m.clientAddress ?? null,
    authUser: m.authUser ?? null,
    reason: m.reason,
    virus: m.reason === 'virus' ? m.detail : null,
  };
}

export function quarantineRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/quarantine' });
  const { store } = deps;
  const idSchema = z.object({ id: z.string().regex(/^[0-9A-Z]{10,32}$/, 'not a queue id') });
  const loadId = (params: unknown) => {
    const parsed = idSchema.safeParse(params);
    if (!parsed.success) throw notFound('quarantined message');
    return parsed.data.id;
  };

  router.get('/', requireRole('viewer'), async (ctx) => {
    const q = parseQuery(ctx, quarantineListSchema);
    const { total, items } = await store.listQuarantine(q);
    ctx.body = { total, offset: q.offset, limit: q.limit, items: items.map(quarantineItemJson) };
  });

  router.get('/:id', requireRole('viewer'), async (ctx) => {
    const m = await store.getQuarantined(loadId(ctx.params));
    if (!m) throw notFound('quarantined message');
    ctx.body = quarantineItemJson(m);
  });

  router.get('/:id/content', requireRole('operator'), async (ctx) => {
    const { format } = parseQuery(ctx, z.object({ format: single(z.enum(['raw', 'parsed']).default('raw')) }));
    const raw = await store.readQuarantinedContent(loadId(ctx.params));
    if (!raw) throw notFound('quarantined message');
    if (format === 'parsed') {
      ctx.body = await parsedViewInWorker(raw);
    } else {
      // attachment, not inline: a browser should never render or open an infected message by itself.
      sendRawMessage(ctx, raw, 'attachment');
    }
  });

  router.post('/:id/release', requireRole('operator'), async (ctx) => {
    const id = loadId(ctx.params);
    const m = await store.getQuarantined(id);
    if (!m || !(await store.releaseQuarantined(id, Date.now()))) throw notFound('quarantined message');
    // Queued due now under its own id; this wakes a delivery worker for it.
    await deps.queue.sendNow(id);
    audit(ctx, 'quarantine.release', { queueId: id, virus: m.detail, recipients: m.recipients.length, messages: 1 });
    ctx.body = { id, released: true, queued: true };
  });

  router.delete('/:id', requireRole('operator'), async (ctx) => {
    const id = loadId(ctx.params);
    if (!(await store.deleteQuarantined(id))) throw notFound('quarantined message');
    audit(ctx, 'quarantine.delete', { queueId: id, messages: 1 });
    ctx.status = 204;
  });
  return router;
}
