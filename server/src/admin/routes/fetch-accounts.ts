// External POP3 accounts over the API: list and show (viewer), create, update, delete (admin: they hold
// credentials), and "fetch now" (operator). The password is write-only: no reply ever contains it.
import Router from '@koa/router';
import { z } from 'zod';
import { DEFAULT_INTERVAL_SECONDS, defaultPort, fetchSettingsSchema } from '../../fetch/account-schema.ts';
import { FetchBusyError } from '../../fetch/fetcher.ts';
import type { FetchAccount } from '../../store/fetch-account-store.ts';
import { parseAddress } from '../../util/address.ts';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import { readJson } from '../body.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import { parseBody } from '../query.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function fetchAccountJson(a: FetchAccount) {
  return {
    id: a.id,
    account: a.accountAddress,
    host: a.host,
    port: a.port,
    security: a.security,
    verifyTls: a.verifyTls,
    username: a.username,
    intervalSeconds: a.intervalSeconds,
    keepOnServer: a.keepOnServer,
    enabled: a.enabled,
    createdAt: iso(a.createdAt),
    lastRunAt: iso(a.lastRunAt),
    lastError: a.lastError,
    fetchedTotal: a.fetchedTotal,
  };
}

const s = fetchSettingsSchema.shape;
export const fetchAccountCreateSchema = z.object({
  account: z.string().refine((v) => parseAddress(v) !== null, 'not a valid address'),
  host: s.host,
  port: s.port.optional(),
  security: s.security.default('tls'),
  verifyTls: s.verifyTls.default(true),
  username: s.username,
  password: s.password,
  intervalSeconds: s.intervalSeconds.default(DEFAULT_INTERVAL_SECONDS),
  keepOnServer: s.keepOnServer.default(true),
  enabled: s.enabled.default(true),
});
export const fetchAccountUpdateSchema = fetchSettingsSchema.partial().strict();

export function fetchAccountRoutes(deps: AdminDeps): Router {
  const router = new Router({ prefix: '/api/v1/fetch-accounts' });
  const { store } = deps;
  const load = async (params: Record<string, unknown>): Promise<FetchAccount> => {
    const id = Number(params.id);
    const account = Number.isSafeInteger(id) && id > 0 ? await store.getFetchAccount(id) : null;
    if (!account) throw notFound('external account');
    return account;
  };

  router.get('/', requireRole('viewer'), async (ctx) => {
    ctx.body = { items: (await store.listFetchAccounts()).map(fetchAccountJson) };
  });
  router.post('/', requireRole('admin'), async (ctx) => {
    const body = parseBody(await readJson(ctx), fetchAccountCreateSchema);
    const local = await store.findAccount(parseAddress(body.account)!.normalized);
    if (!local) throw new ApiError(422, 'invalid_body', `account: no local account ${body.account}`);
    const { account: _, port, ...settings } = body;
    const created = await store.addFetchAccount({ ...settings, port: port ?? defaultPort(body.security), accountId: local.id }, Date.now());
    audit(ctx, 'fetch_account.create', { fetchAccount: created.id, account: created.accountAddress, host: created.host });
    ctx.status = 201;
    ctx.body = fetchAccountJson(created);
  });
  router.get('/:id', requireRole('viewer'), async (ctx) => {
    ctx.body = fetchAccountJson(await load(ctx.params));
  });
  router.patch('/:id', requireRole('admin'), async (ctx) => {
    const { id } = await load(ctx.params);
    const changes = parseBody(await readJson(ctx), fetchAccountUpdateSchema);
    const updated = (await store.updateFetchAccount(id, changes))!;
    // The names of the changed settings only: a new password must not reach the log.
    audit(ctx, 'fetch_account.update', { fetchAccount: id, fields: Object.keys(changes) });
    ctx.body = fetchAccountJson(updated);
  });
  router.delete('/:id', requireRole('admin'), async (ctx) => {
    const { id } = await load(ctx.params);
    await store.removeFetchAccount(id);
    audit(ctx, 'fetch_account.delete', { fetchAccount: id });
    ctx.status = 204;
  });
  router.post('/:id/fetch', requireRole('operator'), async (ctx) => {
    const { id } = await load(ctx.params);
    let result;
    try {
      result = await deps.server.fetchNow(id);
    } catch (err) {
      if (err instanceof FetchBusyError) throw new ApiError(409, 'busy', err.message);
      throw err;
    }
    if (result === null) throw new ApiError(409, 'server_stopped', 'the server is stopped: external accounts are fetched only while it runs');
    audit(ctx, 'fetch_account.fetch', { fetchAccount: id, delivered: result.delivered });
    ctx.body = result;
  });
  return router;
}
