// Prometheus scrape endpoint; optionally protected by its own bearer token (admin.metrics_token) so a
// scraper never holds an API token. A wrong one is delayed and counted like a wrong API token.
import crypto from 'node:crypto';
import Router from '@koa/router';
import { bearer } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { wrongTokenHandler } from '../wrong-token.ts';

export function metricsRoutes(deps: AdminDeps): Router {
  const router = new Router();
  const expected = deps.metricsToken ? crypto.createHash('sha256').update(deps.metricsToken).digest() : null;
  const refuseWrongToken = wrongTokenHandler({ events: deps.events, delayMs: deps.config['auth.failure_delay_ms'] }, 'metrics');
  router.get('/metrics', async (ctx) => {
    if (expected) {
      const presented = bearer(ctx);
      if (presented === null) throw new ApiError(401, 'unauthorized', 'metrics need the metrics bearer token');
      const ok = crypto.timingSafeEqual(crypto.createHash('sha256').update(presented).digest(), expected);
      if (!ok) return refuseWrongToken(ctx, 'metrics need the metrics bearer token');
    }
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
}
