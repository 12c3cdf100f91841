// Admin API input (admin/query.ts over the zod schemas of admin/routes/): any query string, any JSON
// body. A bad one is an ApiError (400 for a query, 422 for a body) naming the parameter, nothing else.
import type Koa from 'koa';
import fc from 'fast-check';
import type { z } from 'zod';
import { ApiError } from '../../src/admin/errors.ts';
import { parseBody, parseQuery } from '../../src/admin/query.ts';
import { banCreateSchema } from '../../src/admin/routes/bans.ts';
import { fetchAccountCreateSchema, fetchAccountUpdateSchema } from '../../src/admin/routes/fetch-accounts.ts';
import { streamQuery } from '../../src/admin/routes/logging.ts';
import { injectSchema } from '../../src/admin/routes/messages.ts';
import { quarantineListSchema } from '../../src/admin/routes/quarantine.ts';
import { queueFilterSchema, queueListSchema } from '../../src/admin/routes/queue-filter.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const QUERIES: z.ZodType[] = [queueFilterSchema, queueListSchema, quarantineListSchema, streamQuery];
const BODIES: z.ZodType[] = [banCreateSchema, fetchAccountCreateSchema, fetchAccountUpdateSchema, injectSchema];

const FIELDS = [
  'search',
  'state',
  'offset',
  'limit',
  'sort',
  'category',
  'session',
  'address',
  'durationSeconds',
  'account',
  'host',
  'port',
  'security',
  'verifyTls',
  'username',
  'password',
  'intervalSeconds',
  'keepOnServer',
  'enabled',
  'from',
  'to',
  'raw',
  'rawBase64',
  '__proto__',
  'constructor',
];
const scalar = fc.oneof(fc.constantFrom('', '0', '-1', '1e999', 'NaN', '500', '501', 'queued', '-size', 'smtp,imap', 'alice@example.test', 'tls', 'none'), fc.string({ maxLength: 10 }));
/** Koa's ctx.query: a value, or an array when the parameter repeats. */
const query = fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 5 });
const json = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(scalar, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(scalar, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })), {
    maxKeys: 6,
  }),
  fc.jsonValue({ maxDepth: 3 }),
);

function checkError(err: ApiError, status: number): void {
  if (err.status !== status) throw new Error(`status ${err.status}, expected ${status}: ${err.message}`);
}

export const adminValidationTarget: FuzzTarget = {
  name: 'admin/validation',
  checks: 'parseQuery and parseBody with every exported route schema return data or throw an ApiError (400 query, 422 body) with a message; never another error',
  property: fc.property(query, json, (q, body) => {
    for (const schema of QUERIES) {
      const result = onlyThrows(ApiError, () => parseQuery({ query: q } as unknown as Koa.Context, schema));
      if (result instanceof ApiError) checkError(result, 400);
    }
    for (const schema of BODIES) {
      const result = onlyThrows(ApiError, () => parseBody(body, schema));
      if (result instanceof ApiError) checkError(result, 422);
    }
    return true;
  }),
};
