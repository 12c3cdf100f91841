// Banned client addresses (auto-ban and by hand): list (viewer), ban and lift (operator: unlocking a user
// who mistyped their password is everyday operations). Changes go through the service's ban list, so the
// listeners apply them at once.
import Router from '@koa/router';
import { z } from 'zod';
import { BanError } from '../../bans/ban-list.ts';
import type { Ban } from '../../store/ban-store.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
export const banJson = (b: Ban) => ({ address: b.address, reason: b.reason, createdAt: iso(b.createdAt), expiresAt: iso(b.expiresAt) });

/** durationSeconds: absent means auth.ban_duration_seconds, null means until lifted by hand. */
export const banCreateSchema = z.object({
  address: z.string().min(1).max(64),
  durationSeconds: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 24 * 3600)
    .nullable()
    .optional(),
});

export function banRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/bans' });
  const bans = () => deps.bans;

  router.get('/', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: (await bans().list()).map(banJson) };
  });
  router.post('/', requireRole('operator'), async (ctx) => {
    const body = parseBody(await readJson(ctx), banCreateSchema);
    const duration = body.durationSeconds === undefined ? deps.config['auth.ban_duration_seconds'] : body.durationSeconds;
    let ban: Ban;
    try {
      ban = await bans().ban(body.address, 'manual', duration);
    } catch (err) {
      if (err instanceof BanError) throw new ApiError(422, 'invalid_body', `address: ${err.message}`);
      throw err;
    }
    audit(ctx, 'ban.create', { address: ban.address, durationSeconds: duration });
    ctx.status = 201;
    ctx.body = banJson(ban);
  });
  router.delete('/:address', requireRole('operator'), async (ctx) => {
    const address = String(ctx.params.address);
    if (!(await bans().unban(address))) throw notFound('ban');
    audit(ctx, 'ban.delete', { address });
    ctx.status = 204;
  });
  return router;
}
