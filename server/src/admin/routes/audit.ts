// The audit trail, newest first (admin role: it says who did what, from where). Filters: limit (1-1000,
// default 100), action (a prefix such as `queue.` or `cli.`), since (ISO time).
import Router from '@koa/router';
import { z } from 'zod';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { parseQuery } from '../query.ts';

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  action: z
    .string()
    .max(100)
    .regex(/^[a-z0-9._-]*$/, 'letters, digits, dots, dashes')
    .optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});

export function auditRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/audit' });
  router.get('/', requireRole('admin'), (ctx) => {
    const q = parseQuery(ctx, auditQuerySchema);
    ctx.body = { items: deps.audit.read({ limit: q.limit, action: q.action, sinceMs: q.since === undefined ? undefined : Date.parse(q.since) }) };
  });
  return router;
}
