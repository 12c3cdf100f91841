// The server component, as hMailServer's Status > Server page shows it: running or stopped, version,
// database backend, start time, listeners; start and stop (the service and this API keep running).
import Router from '@koa/router';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';

export function serverRoutes(deps: AdminDeps): Router {
  const router = new Router();
  const describe = () => {
    const startedAt = deps.server.startTime;
    return {
      running: deps.server.running,
      version: deps.version,
      hostname: deps.config.hostname,
      startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
      uptimeSeconds: startedAt === null ? null : Math.floor((Date.now() - startedAt) / 1000),
      serviceStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      database: deps.store.info,
      listeners: deps.server.listenerInfo,
    };
  };
  router.get('/api/v1/server', requireRole('viewer'), (ctx) => {
    ctx.body = describe();
  });
  router.post('/api/v1/server/start', requireRole('operator'), async (ctx) => {
    await deps.server.start();
    audit(ctx, 'server.start');
    ctx.body = describe();
  });
  router.post('/api/v1/server/stop', requireRole('operator'), async (ctx) => {
    await deps.server.stop();
    audit(ctx, 'server.stop');
    ctx.body = describe();
  });
  return router;
}
