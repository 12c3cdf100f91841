// Query-string parsing with zod: a bad parameter is a 400 naming the parameter.
import type Koa from 'koa';
import { z } from 'zod';
import { ApiError } from './errors.ts';

export function parseQuery<S extends z.ZodType>(ctx: Koa.Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(ctx.query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(400, 'invalid_parameters', `query parameter ${issue.path.join('.') || '?'}: ${issue.message}`);
  }
  return parsed.data;
}

export function parseBody<S extends z.ZodType>(body: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError(422, 'invalid_body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}
