// The admin HTTP application (Koa): health checks without a token, /metrics, then the token-protected
// JSON API under /api/v1. Errors always come back as {"error": {"code", "message"}}.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import { authenticate } from './auth.ts';
import type { AdminDeps } from './deps.ts';
import { ApiError, errorMiddleware } from './errors.ts';
import { directoryRoutes } from './routes/directory.ts';
import { messageRoutes } from './routes/messages.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { queueRoutes } from './routes/queue.ts';
import { serverRoutes } from './routes/server.ts';
import { statusRoutes } from './routes/status.ts';
import { warningRoutes } from './routes/warnings.ts';

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  app.use(errorMiddleware());

  const open = new Router();
  open.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  open.get('/readyz', (ctx) => {
    ctx.status = deps.server.running ? 200 : 503;
    ctx.body = { status: deps.server.running ? 'ready' : 'server stopped' };
  });
  app.use(open.routes());
  app.use(metricsRoutes(deps).routes());

  const api = new Router();
  api.use('/api/v1', authenticate(deps.tokens));
  for (const routes of [serverRoutes(deps), statusRoutes(deps), queueRoutes(deps), messageRoutes(deps), directoryRoutes(deps), warningRoutes(deps)]) {
    api.use(routes.routes(), routes.allowedMethods({ throw: true, notImplemented: () => new ApiError(404, 'not_found', 'no such route'), methodNotAllowed: () => new ApiError(405, 'method_not_allowed', 'method not allowed on this route') }));
  }
  app.use(api.routes());
  app.use((ctx) => {
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
