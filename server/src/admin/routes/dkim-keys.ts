// DKIM signing keys (docs/dkim.md): list (viewer), generate and remove (admin: a key signs mail in the
// domain's name). Answers carry the DNS record to publish, never the private key.
import Router from '@koa/router';
import { z } from 'zod';
import { DEFAULT_RSA_BITS, defaultSelector, dnsRecord, generateDkimKey, isValidSelector, RSA_BITS_RANGE } from '../../dkim/keys.ts';
import type { DkimKeyInfo } from '../../store/dkim-key-store.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';

export const dkimKeyJson = (k: DkimKeyInfo) => ({
  domain: k.domain,
  selector: k.selector,
  algorithm: k.algorithm,
  active: k.active,
  createdAt: new Date(k.createdAt).toISOString(),
  dnsRecord: dnsRecord(k),
});

const label = z
  .string()
  .max(253)
  .transform((s) => s.toLowerCase().replace(/\.$/, ''))
  .refine(isValidSelector, 'not a DNS name');

export const dkimKeyCreateSchema = z.object({
  domain: label.refine((d) => d.includes('.'), 'not a domain name'),
  selector: label.optional(),
  algorithm: z.enum(['rsa', 'ed25519']).default('rsa'),
  bits: z.number().int().min(RSA_BITS_RANGE.min).max(RSA_BITS_RANGE.max).optional(),
});

export function dkimKeyRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/dkim-keys' });

  router.get('/', requireRole('viewer'), async (ctx) => {
    const domain = typeof ctx.query.domain === 'string' ? ctx.query.domain.toLowerCase() : undefined;
    ctx.body = { items: (await deps.store.listDkimKeys(domain)).map(dkimKeyJson) };
  });
  router.post('/', requireRole('admin'), async (ctx) => {
    const body = parseBody(await readJson(ctx), dkimKeyCreateSchema);
    if (body.algorithm === 'ed25519' && body.bits !== undefined) throw new ApiError(422, 'invalid_body', 'bits: only for algorithm rsa');
    const selector = body.selector ?? defaultSelector(new Date());
    const key = generateDkimKey(body.domain, selector, body.algorithm, body.bits ?? DEFAULT_RSA_BITS, Date.now());
    if (!(await deps.store.addDkimKey(key))) throw new ApiError(409, 'selector_taken', `${body.domain} already has a key with selector ${selector}`);
    audit(ctx, 'dkim_key.create', { domain: key.domain, selector, algorithm: key.algorithm });
    ctx.status = 201;
    ctx.body = dkimKeyJson(key);
  });
  router.delete('/:domain/:selector', requireRole('admin'), async (ctx) => {
    const domain = String(ctx.params.domain).toLowerCase();
    const selector = String(ctx.params.selector).toLowerCase();
    if (!(await deps.store.removeDkimKey(domain, selector))) throw notFound('DKIM key');
    audit(ctx, 'dkim_key.delete', { domain, selector });
    ctx.status = 204;
  });
  return router;
}
