// Distribution lists and catch-alls over the API (docs/addresses.md): viewers read, admins change, as for
// the rest of the directory; every change is audited. The same operations and checks as `mailroom list`
// and `mailroom catchall`.
import Router from '@koa/router';
import { z } from 'zod';
import { LIST_SENDER_POLICIES, type DistributionList } from '../../store/list-store.ts';
import { parseAddress } from '../../util/address.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';
import { storeCall } from './directory.ts';

const address = z
  .string()
  .max(320)
  .refine((s) => parseAddress(s) !== null, 'not a valid address')
  .transform((s) => parseAddress(s)!.normalized);
const policy = z.enum(LIST_SENDER_POLICIES as [string, ...string[]]).describe('who may send: anyone, members (by envelope sender) or authenticated clients');

export const listCreateSchema = z.strictObject({ address, policy: policy.optional().describe('default anyone'), members: z.array(address).max(1000).optional() });
export const listUpdateSchema = z.strictObject({ policy });
export const listMemberSchema = z.strictObject({ address });
export const catchAllSetSchema = z.strictObject({ target: address.describe('local (account, alias or list) or remote') });

const view = (l: DistributionList) => ({ address: l.address, policy: l.policy, members: l.members, createdAt: new Date(l.createdAt).toISOString() });

function pathAddress(value: unknown): string {
  const parsed = parseAddress(String(value));
  if (!parsed) throw new ApiError(400, 'invalid_parameters', `not a valid address: ${JSON.stringify(String(value))}`);
  return parsed.normalized;
}

export function listRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  const { store } = deps;
  const admin = requireRole('admin');
  const found = async (a: string) => {
    const l = await store.findList(a);
    if (!l) throw notFound('list');
    return l;
  };

  router.get('/lists', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: (await store.listLists()).map(view) };
  });
  router.post('/lists', admin, async (ctx) => {
    const body = parseBody(await readJson(ctx), listCreateSchema);
    const p = (body.policy ?? 'anyone') as DistributionList['policy'];
    await storeCall(() => store.addList(body.address, p, Date.now()));
    for (const m of body.members ?? []) await store.addListMember(body.address, m);
    audit(ctx, 'list.create', { list: body.address, policy: p, members: body.members?.length ?? 0 });
    ctx.status = 201;
    ctx.body = view(await found(body.address));
  });
  router.get('/lists/:address', requireRole('viewer'), async (ctx) => {
    ctx.body = view(await found(pathAddress(ctx.params.address)));
  });
  router.patch('/lists/:address', admin, async (ctx) => {
    const a = pathAddress(ctx.params.address);
    const body = parseBody(await readJson(ctx), listUpdateSchema);
    if (!(await store.setListPolicy(a, body.policy as DistributionList['policy']))) throw notFound('list');
    audit(ctx, 'list.update', { list: a, policy: body.policy });
    ctx.body = view(await found(a));
  });
  router.delete('/lists/:address', admin, async (ctx) => {
    const a = pathAddress(ctx.params.address);
    if (!(await store.removeList(a))) throw notFound('list');
    audit(ctx, 'list.delete', { list: a });
    ctx.status = 204;
  });
  router.post('/lists/:address/members', admin, async (ctx) => {
    const a = pathAddress(ctx.params.address);
    const body = parseBody(await readJson(ctx), listMemberSchema);
    const added = await storeCall(() => store.addListMember(a, body.address));
    if (added) audit(ctx, 'list.member.add', { list: a, member: body.address });
    ctx.status = added ? 201 : 200;
    ctx.body = view(await found(a));
  });
  router.delete('/lists/:address/members/:member', admin, async (ctx) => {
    const a = pathAddress(ctx.params.address);
    const member = pathAddress(ctx.params.member);
    if (!(await store.removeListMember(a, member))) throw notFound('list member');
    audit(ctx, 'list.member.remove', { list: a, member });
    ctx.status = 204;
  });

  router.get('/catch-all', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: await store.listCatchAlls() };
  });
  router.put('/catch-all/:domain', admin, async (ctx) => {
    const domain = String(ctx.params.domain).toLowerCase();
    const body = parseBody(await readJson(ctx), catchAllSetSchema);
    await storeCall(() => store.setCatchAll(domain, body.target));
    audit(ctx, 'catchall.set', { domain, target: body.target });
    ctx.body = { domain, target: body.target };
  });
  router.delete('/catch-all/:domain', admin, async (ctx) => {
    const domain = String(ctx.params.domain).toLowerCase();
    if ((await store.findCatchAll(domain)) === null) throw notFound('catch-all');
    await store.setCatchAll(domain, null);
    audit(ctx, 'catchall.delete', { domain });
    ctx.status = 204;
  });
  return router;
}
