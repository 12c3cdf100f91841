// Domains, accounts and aliases over the API (admin role): list, create, update, delete. The same
// operations as the CLI, with the same validation.
import Router from '@koa/router';
import { z } from 'zod';
import { hashPassword } from '../../auth/password.ts';
import { effectiveLimits } from '../../store/quota-limits.ts';
import type { AccountQuota } from '../../store/quota-store.ts';
import { StoreError } from '../../store/store-error.ts';
import { parseAddress } from '../../util/address.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;
const domainName = z
  .string()
  .max(253)
  .transform((s) => s.toLowerCase().replace(/\.$/, ''))
  .refine((s) => s.split('.').every((l) => LABEL.test(l)), 'not a valid domain name');
const address = z
  .string()
  .refine((s) => parseAddress(s) !== null, 'not a valid address')
  .transform((s) => parseAddress(s)!.normalized);
const password = z.string().min(8, 'at least 8 characters').max(1024);

// A quota limit: a whole number (0: unlimited) or null (back to quota.default_bytes / _messages).
const quotaLimit = z.number({ error: 'expected a whole number or null' }).int('expected a whole number').min(0, 'expected 0 or more').max(Number.MAX_SAFE_INTEGER).nullable();
export const accountUpdateSchema = z
  .object({ password: password.optional(), quotaBytes: quotaLimit.optional(), quotaMessages: quotaLimit.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'expected at least one of password, quotaBytes, quotaMessages');
const accountUpdate = accountUpdateSchema;

/** Limits in force (0: unlimited), the account's own (null: the default applies) and usage. */
function quotaView(q: AccountQuota) {
  const limits = effectiveLimits(q);
  return { limitBytes: limits.bytes, limitMessages: limits.messages, ownBytes: q.quotaBytes, ownMessages: q.quotaMessages, usedBytes: q.usedBytes, usedMessages: q.usedMessages };
}

/** Store errors become API errors with the matching status. */
export async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StoreError) {
      throw new ApiError(err.code === 'conflict' ? 409 : err.code === 'not_found' ? 404 : 422, err.code, err.message);
    }
    throw err;
  }
}

export function directoryRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  const { store } = deps;
  const admin = requireRole('admin');

  router.get('/domains', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: (await store.listDomains()).map((name) => ({ name })) };
  });
  router.post('/domains', admin, async (ctx) => {
    const { name } = parseBody(await readJson(ctx), z.object({ name: domainName }));
    await storeCall(() => store.addDomain(name));
    audit(ctx, 'domain.create', { domain: name });
    void deps.selfTest.run();
    ctx.status = 201;
    ctx.body = { name };
  });
  router.delete('/domains/:name', admin, async (ctx) => {
    if (!(await store.removeDomain(String(ctx.params.name)))) throw notFound('domain');
    audit(ctx, 'domain.delete', { domain: ctx.params.name });
    void deps.selfTest.run();
    ctx.status = 204;
  });

  router.get('/accounts', requireRole('viewer'), async (ctx) => {
    const quotas = new Map((await store.listQuotas()).map((q) => [q.address.toLowerCase(), q]));
    ctx.body = {
      items: (await store.listAccounts()).map((a) => {
        const quota = quotas.get(a.address.toLowerCase());
        return { address: a.address, createdAt: new Date(a.createdAt).toISOString(), ...(quota ? { quota: quotaView(quota) } : {}) };
      }),
    };
  });
  router.post('/accounts', admin, async (ctx) => {
    const body = parseBody(await readJson(ctx), z.object({ address, password }));
    const account = await storeCall(async () => store.addAccount(body.address, await hashPassword(body.password)));
    audit(ctx, 'account.create', { account: account.address });
    void deps.selfTest.run();
    ctx.status = 201;
    ctx.body = { address: account.address, createdAt: new Date(account.createdAt).toISOString() };
  });
  router.patch('/accounts/:address', admin, async (ctx) => {
    const body = parseBody(await readJson(ctx), accountUpdate);
    const target = String(ctx.params.address);
    if (!(await store.findAccount(target))) throw notFound('account');
    if (body.quotaBytes !== undefined || body.quotaMessages !== undefined) {
      if (!(await store.setQuota(target, { bytes: body.quotaBytes, messages: body.quotaMessages }))) throw notFound('account');
    }
    if (body.password !== undefined && !(await store.setPassword(target, await hashPassword(body.password)))) throw notFound('account');
    audit(ctx, 'account.update', { account: ctx.params.address, fields: Object.keys(body) });
    ctx.body = { address: ctx.params.address };
  });
  router.delete('/accounts/:address', admin, async (ctx) => {
    if (!(await store.removeAccount(String(ctx.params.address)))) throw notFound('account');
    audit(ctx, 'account.delete', { account: ctx.params.address });
    void deps.selfTest.run();
    ctx.status = 204;
  });

  router.get('/aliases', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: await store.listAliases() };
  });
  router.post('/aliases', admin, async (ctx) => {
    const body = parseBody(await readJson(ctx), z.object({ address, target: address }));
    await storeCall(() => store.addAlias(body.address, body.target));
    audit(ctx, 'alias.create', { alias: body.address });
    ctx.status = 201;
    ctx.body = body;
  });
  router.delete('/aliases/:address', admin, async (ctx) => {
    if (!(await store.removeAlias(String(ctx.params.address)))) throw notFound('alias');
    audit(ctx, 'alias.delete', { alias: ctx.params.address });
    ctx.status = 204;
  });
  return router;
}
