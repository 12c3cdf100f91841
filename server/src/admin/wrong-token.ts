// What a wrong bearer token on the admin port costs the sender: it is counted
// (mailroom_admin_auth_failures_total{endpoint}, through the 'admin.auth_failed' event), logged with the
// client address and never the token, and answered 401 only after auth.failure_delay_ms (1 s by
// default, the delay failed mail logins get). The delay is a timer, not a busy wait: other requests are
// served meanwhile. A missing token is not a guess and is answered at once.
//
// Not an 'auth.failed' event, so wrong tokens do not count toward auto-ban: bans are enforced by the mail
// listeners, not the admin port, so a ban would not stop the guessing; and the typical source of wrong
// tokens is a Grafana or Prometheus host with a stale token, which must not lose its mail service.
// Alert on the counter instead.
import { setTimeout as sleep } from 'node:timers/promises';
import type Koa from 'koa';
import type { AdminEndpoint, EventBus } from '../telemetry/events.ts';
import { logger } from '../telemetry/log.ts';
import { ApiError } from './errors.ts';

export interface WrongTokenDeps {
  events: EventBus;
  delayMs: number;
}

export type RefuseWrongToken = (ctx: Koa.Context, message: string) => Promise<never>;

export function wrongTokenHandler(deps: WrongTokenDeps, endpoint: AdminEndpoint): RefuseWrongToken {
  const log = logger('application');
  return async (ctx, message) => {
    deps.events.emit('admin.auth_failed', { endpoint, remoteAddress: ctx.ip });
    log.info({ remote: ctx.ip, endpoint, path: ctx.path }, 'admin port: wrong bearer token');
    if (deps.delayMs > 0) await sleep(deps.delayMs);
    throw new ApiError(401, 'unauthorized', message);
  };
}
