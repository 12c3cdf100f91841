// Routes (docs/routes.md): the next hop per destination domain and the default smarthost `*`. Listed for
// viewers with the password masked (and the `relay` setting, the fallback, shown the same way); added,
// replaced and removed by admins. The password is never returned, nor written in the audit trail.
import Router from '@koa/router';
import { z } from 'zod';
import type { Config } from '../../config/settings.ts';
import { parseHostPort } from '../../config/validators.ts';
import { checkRoute, MASKED_PASSWORD, routeDomain, RouteInputError, routeView } from '../../delivery/route-input.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';

export const routeCreateSchema = z.strictObject({
  domain: z.string().min(1).max(253).describe("a destination domain, or '*' for every remote domain without a route of its own"),
  nextHop: z.string().min(1).max(300).describe('host:port, [v6]:port'),
  security: z.enum(['opportunistic', 'starttls', 'tls']).optional().describe('default starttls with credentials, else opportunistic'),
  username: z.string().min(1).max(512).optional(),
  password: z.string().min(1).max(1024).optional(),
});

/** The `relay` setting as the last fallback, shown like a route. */
function relayView(config: Config) {
  const hop = config.relay ? parseHostPort(config.relay) : null;
  if (!hop) return null;
  return {
    host: hop.host,
    port: hop.port,
    security: config.relay_security,
    username: config.relay_username ?? null,
    password: config.relay_password === undefined ? null : MASKED_PASSWORD,
  };
}

export function mailRouteRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/routes' });

  router.get('/', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: (await deps.store.listRoutes()).map(routeView), relay: relayView(deps.config) };
  });
  router.post('/', requireRole('admin'), async (ctx) => {
    const body = parseBody(await readJson(ctx), routeCreateSchema);
    let route;
    try {
      route = checkRoute(body, Date.now());
    } catch (err) {
      if (err instanceof RouteInputError) throw new ApiError(422, 'invalid_body', err.message);
      throw err;
    }
    await deps.store.setRoute(route);
    const view = routeView(route);
    audit(ctx, 'route.set', { domain: view.domain, host: view.host, port: view.port, security: view.security, username: view.username });
    ctx.status = 201;
    ctx.body = view;
  });
  router.delete('/:domain', requireRole('admin'), async (ctx) => {
    const domain = routeDomain(String(ctx.params.domain));
    if (domain === null || !(await deps.store.removeRoute(domain))) throw notFound('route');
    audit(ctx, 'route.delete', { domain });
    ctx.status = 204;
  });
  return router;
}
