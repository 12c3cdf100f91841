// Audit lines for every action taken through the admin API: which token (by name, never the secret),
// which action, on what, how many messages, and the Grafana user when the request came through
// Grafana's proxy (it sends X-Grafana-User).
import type Koa from 'koa';
import { logger } from '../telemetry/log.ts';
import type { AuthState } from './auth.ts';

export function audit(ctx: Koa.Context, action: string, details: Record<string, unknown> = {}): void {
  const auth = ctx.state.auth as AuthState | undefined;
  logger('application').info(
    { audit: true, action, tokenName: auth?.tokenName, role: auth?.role, grafanaUser: ctx.get('X-Grafana-User') || undefined, remote: ctx.ip, ...details },
    `admin action ${action}`,
  );
}
