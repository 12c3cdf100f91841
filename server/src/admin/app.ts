// The admin HTTP application (Koa): the Host check, health checks without a token, /metrics, then the
// token-protected JSON API under /api/v1. Errors always come back as {"error": {"code", "message"}}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { auditMiddleware } from './audit.ts';
import { authenticate } from './auth.ts';
import type { AdminDeps } from './deps.ts';
import { ApiError, errorMiddleware } from './errors.ts';
import { hostCheck } from './host-check.ts';
import { openApiDocument } from './openapi.ts';
import { auditRoutes } from './routes/audit.ts';
import { banRoutes } from './routes/bans.ts';
import { dkimKeyRoutes } from './routes/dkim-keys.ts';
import { mailRouteRoutes } from './routes/mail-routes.ts';
import { directoryRoutes } from './routes/directory.ts';
import { listRoutes } from './routes/lists.ts';
import { fetchAccountRoutes } from './routes/fetch-accounts.ts';
import { loggingRoutes } from './routes/logging.ts';
import { messageRoutes } from './routes/messages.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { quarantineRoutes } from './routes/quarantine.ts';
import { queueRoutes } from './routes/queue.ts';
import { traceRoutes } from './routes/trace.ts';
import { serverRoutes } from './routes/server.ts';
import { nodeRoutes } from './routes/nodes.ts';
import { databaseHealth } from './database-health.ts';
import { statusRoutes } from './routes/status.ts';
import { warningRoutes } from './routes/warnings.ts';
import { wrongTokenHandler } from './wrong-token.ts';

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  app.use(errorMiddleware());
  // Before every route, health checks and /metrics included: see host-check.ts.
  app.use(hostCheck(deps.config));

  const open = new Router();
  const database = databaseHealth(deps.store.cluster);
  open.get('/healthz', async (ctx) => {
    // The service is up, and its database answers: 503 with the reason (never the URL's password) if not.
    const problem = await database();
    ctx.status = problem === null ? 200 : 503;
    ctx.body = problem === null ? { status: 'ok' } : { status: 'unhealthy', database: `unreachable: ${problem}` };
  });
  open.get('/readyz', (ctx) => {
    ctx.status = deps.server.running ? 200 : 503;
    ctx.body = { status: deps.server.running ? 'ready' : 'server stopped' };
  });
  const spec = openApiDocument(deps.version);
  open.get('/api/v1/openapi.json', (ctx) => {
    ctx.body = spec;
  });
  app.use(open.routes());
  app.use(metricsRoutes(deps).routes());

  const routers = [
    serverRoutes(deps),
    nodeRoutes(deps),
    statusRoutes(deps),
    queueRoutes(deps),
    traceRoutes(deps),
    quarantineRoutes(deps),
    messageRoutes(deps),
    directoryRoutes(deps),
    listRoutes(deps),
    fetchAccountRoutes(deps),
    banRoutes(deps),
    dkimKeyRoutes(deps),
    mailRouteRoutes(deps),
    warningRoutes(deps),
    loggingRoutes(deps),
    auditRoutes(deps),
  ];
  const api = new Router();
  api.use('/api/v1', auditMiddleware(deps.audit));
  api.use('/api/v1', authenticate(deps.tokens, wrongTokenHandler({ events: deps.events, delayMs: deps.config['auth.failure_delay_ms'] }, 'api')));
  for (const routes of routers) api.use(routes.routes());
  app.use(api.routes());
  app.use((ctx) => {
    // Nothing matched path and method: 405 when the path exists for another method, else 404.
    if (routers.some((r) => r.match(ctx.path, ctx.method).path.length > 0)) {
      throw new ApiError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    }
    throw new ApiError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  });
  return app;
}

export function listenAdmin(app: Koa, port: number, host: string): Promise<{ server: http.Server; address: AddressInfo }> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(app.callback());
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, address: server.address() as AddressInfo });
    });
  });
}
