// Configuration warnings from the self-test, and a recheck on demand.
import Router from '@koa/router';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import type { WarningList } from '../response-schemas.ts';

export function warningRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/warnings' });
  const body = (): WarningList => ({
    checkedAt: deps.selfTest.lastCheckedAt === null ? null : new Date(deps.selfTest.lastCheckedAt).toISOString(),
    count: deps.selfTest.warnings.length,
    items: [...deps.selfTest.warnings],
  });
  router.get('/', requireRole('viewer'), (ctx) => {
    ctx.body = body();
  });
  router.post('/recheck', requireRole('operator'), async (ctx) => {
    await deps.selfTest.run();
    audit(ctx, 'warnings.recheck', { warnings: deps.selfTest.warnings.length });
    ctx.body = body();
  });
  return router;
}
