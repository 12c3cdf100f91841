// Status > Status in hMailServer terms: when the server started, message counters (never decrease)
// and open sessions per protocol (fall when clients leave).
import Router from '@koa/router';
import type { Counter } from 'prom-client';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import type { StatusInfo } from '../response-schemas.ts';

async function total(counter: Counter<string>): Promise<number> {
  return (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);
}

export function statusRoutes(deps: AdminDeps): Router {
  const router = new Router();
  router.get('/api/v1/status', requireRole('viewer'), async (ctx) => {
    const startedAt = deps.server.startTime;
    ctx.body = {
      running: deps.server.running,
      startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
      processedMessages: await total(deps.metrics.messagesProcessed),
      virusesDetected: await total(deps.metrics.virusesDetected),
      spamDetected: await total(deps.metrics.spamDetected),
      sessions: deps.sessions.counts(),
    } satisfies StatusInfo;
  });
  return router;
}
