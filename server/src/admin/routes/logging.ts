// Logging settings (which categories are on) and the live log as Server-Sent Events. The stream sends
// its headers at once and a heartbeat comment every few seconds, so it works through Grafana's plugin
// proxy; a reader that falls behind loses lines (told with an `event: dropped`), never slows the server.
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import { z } from 'zod';
import { LOG_CATEGORIES, type CategoryState } from '../../telemetry/log-categories.ts';
import type { Subscriber } from '../../telemetry/live-log.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { parseBody, parseQuery } from '../query.ts';
import type { LoggingSettings } from '../response-schemas.ts';

const HEARTBEAT_MS = 10_000;
const categoriesSchema = z.object(Object.fromEntries(LOG_CATEGORIES.map((c) => [c, z.boolean().optional()]))).strict();
export const streamQuery = z.object({
  category: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean)
        : [],
    )
    .refine((v) => v.every((c) => (LOG_CATEGORIES as readonly string[]).includes(c)), `categories are ${LOG_CATEGORIES.join(', ')}`),
  session: z.string().max(100).optional(),
});

export function loggingRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  const { switches } = deps.logging;

  router.get('/logging', requireRole('viewer'), (ctx) => {
    ctx.body = { categories: switches.snapshot() } satisfies LoggingSettings;
  });

  router.put('/logging', requireRole('admin'), async (ctx) => {
    const body = parseBody(await readJson(ctx), z.object({ categories: categoriesSchema }));
    const changes = Object.fromEntries(Object.entries(body.categories).filter(([, v]) => v !== undefined)) as Partial<CategoryState>;
    const categories = switches.set(changes);
    audit(ctx, 'logging.update', { changes });
    ctx.body = { categories } satisfies LoggingSettings;
  });

  router.get('/log/stream', requireRole('viewer'), (ctx) => {
    const q = parseQuery(ctx, streamQuery);
    const out = new PassThrough();
    let waiting = false;
    const subscriber: Subscriber = {
      categories: q.category.length > 0 ? new Set(q.category) : null,
      session: q.session ?? null,
      wake: () => {
        if (waiting) return;
        waiting = true;
        setImmediate(flush);
      },
    };
    const flush = () => {
      waiting = false;
      if (out.destroyed) return;
      // The client is not reading: leave the lines in the hub, which keeps a bounded number per reader
      // and drops (and counts) the oldest; take them once the socket drains.
      if (out.writableNeedDrain) {
        waiting = true;
        out.once('drain', flush);
        return;
      }
      const { lines, dropped } = deps.logging.live.take(subscriber);
      if (dropped > 0) out.write(`event: dropped\ndata: ${JSON.stringify({ count: dropped })}\n\n`);
      for (const line of lines) out.write(`event: log\ndata: ${line.json}\n\n`);
    };
    const unsubscribe = deps.logging.live.subscribe(subscriber);
    // A reader that is not reading has lines waiting anyway; a heartbeat on top would grow its buffer
    // by a line every HEARTBEAT_MS for as long as it stays connected.
    const heartbeat = setInterval(() => {
      if (!out.writableNeedDrain) out.write(`: heartbeat ${new Date().toISOString()}\n\n`);
    }, HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      out.end();
    };
    ctx.req.on('close', close);
    ctx.req.socket.setTimeout(0);
    ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
    ctx.set('Cache-Control', 'no-cache, no-transform');
    ctx.set('X-Accel-Buffering', 'no');
    ctx.status = 200;
    ctx.body = out;
    out.write(`: connected; categories ${q.category.join(',') || 'all'}${q.session ? `; session ${q.session}` : ''}\n\n`);
    ctx.res.flushHeaders();
  });
  return router;
}
