// One error shape for the whole admin API: {"error": {"code", "message"}} with a 4xx status, raised
// anywhere as ApiError and turned into a reply in one middleware.
import type Koa from 'koa';
import { ZodError } from 'zod';
import { logger } from '../telemetry/log.ts';
import { isDiskFull } from '../store/disk-full.ts';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 421 | 422 | 503,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export function errorMiddleware(): Koa.Middleware {
  const log = logger('application');
  return async function errors(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message } };
        if (err.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="mailroom"');
      } else if (err instanceof ZodError) {
        ctx.status = 422;
        const first = err.issues[0];
        const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
        ctx.body = { error: { code: 'invalid_parameters', message: `${where}${first?.message ?? 'invalid input'}` } };
      } else if ((err as { status?: number; expose?: boolean }).expose && (err as { status?: number }).status) {
        // Koa/body-parser errors such as malformed JSON or a body that is too large.
        const e = err as { status: number; message: string };
        ctx.status = e.status;
        ctx.body = { error: { code: e.status === 413 ? 'too_large' : 'bad_request', message: e.message } };
      } else if (isDiskFull(err)) {
        // RFC 4918 11.5; removals still work on a full disk (store/README.md), so this is an addition.
        log.warn({ path: ctx.path }, 'refused: the disk is full');
        ctx.status = 507;
        ctx.body = { error: { code: 'insufficient_storage', message: 'the disk holding the mail store is full' } };
      } else {
        log.error({ err: (err as Error).message, path: ctx.path }, 'admin API error');
        ctx.status = 500;
        ctx.body = { error: { code: 'internal', message: 'internal error; see the server log' } };
      }
    }
  };
}
