// Domains, accounts and aliases over the API (admin role): list, create, update, delete. The same
// operations as the CLI, with the same validation.
import Router from '@koa/router';
import { z } from 'zod';
import { hashPassword } from '../../auth/password.ts';
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

/** Store errors become API errors with the matching status. */
async function storeCall<T>(fn: () => Promise<T>): Promise<T> {
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
    ctx.body = { items: (await store.listAccounts()).map((a) => ({ address: a.address, createdAt: new Date(a.createdAt).toISOString() })) };
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
    const body = parseBody(await readJson(ctx), z.object({ password }));
    if (!(await store.setPassword(String(ctx.params.address), await hashPassword(body.password)))) throw notFound('account');
    audit(ctx, 'account.update', { account: ctx.params.address, fields: ['password'] });
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
