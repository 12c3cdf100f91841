// The admin HTTP application. Health endpoints need no token: /healthz says the service is up,
// /readyz says the server component is accepting mail.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import Router from '@koa/router';
import type { MailServer } from '../service/mail-server.ts';

export interface AdminDeps {
  server: MailServer;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', (ctx) => {
    ctx.status = deps.server.running ? 200 : 503;
    ctx.body = { status: deps.server.running ? 'ready' : 'server stopped' };
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: { code: 'not_found', message: `no route for ${ctx.method} ${ctx.path}` } };
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
