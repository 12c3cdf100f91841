// Audit events for the admin API (audit/ keeps and ships them): every action taken, naming the token
// (never the secret) and the Grafana user when the request came through Grafana's proxy (it sends
// X-Grafana-User); and every refused request (401, 403), with the token's name when it is known.
import type Koa from 'koa';
import type { AuditRecorder } from '../audit/audit-trail.ts';
import type { AuthState } from './auth.ts';
import { ApiError } from './errors.ts';

function who(ctx: Koa.Context): { actor: string; details: Record<string, unknown> } {
  const auth = ctx.state.auth as AuthState | undefined;
  const grafanaUser = ctx.get('X-Grafana-User') || undefined;
  return { actor: auth ? `token:${auth.tokenName}` : 'anonymous', details: { role: auth?.role, grafanaUser } };
}

export function audit(ctx: Koa.Context, action: string, details: Record<string, unknown> = {}): void {
  const trail = ctx.state.auditTrail as AuditRecorder;
  const { actor, details: identity } = who(ctx);
  trail.record(action, actor, ctx.ip, { ...identity, ...details });
}

/** Hands the trail to the routes and records every 401 and 403 the API answers. */
export function auditMiddleware(trail: AuditRecorder): Koa.Middleware {
  return async function auditRefusals(ctx, next) {
    ctx.state.auditTrail = trail;
    try {
      await next();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        const { actor, details } = who(ctx);
        trail.record('api.refused', actor, ctx.ip, { ...details, status: err.status, reason: err.code, method: ctx.method, path: ctx.path });
      }
      throw err;
    }
  };
}
