// Where remote mail for a domain goes first, before any MX lookup: the domain's own route, else the
// default route `*` (both in the store, so `mailroom route add` applies at the next attempt on every
// node), else the `relay` setting with relay_security/relay_username/relay_password, else null (MX).
import { parseHostPort } from '../config/validators.ts';
import type { Config } from '../config/settings.ts';
import type { RouteSecurity, RouteStore } from '../store/route-store.ts';

export interface NextHop {
  host: string;
  port: number;
  security: RouteSecurity;
  /** Never logged: only remote.ts reads it, to log in. */
  credentials: { user: string; pass: string } | null;
  /** What chose it, for the log: `route example.test`, `route *` or `relay`. */
  source: string;
}

type RelaySettings = Pick<Config, 'relay' | 'relay_security' | 'relay_username' | 'relay_password'>;

export async function nextHopFor(domain: string, routes: Pick<RouteStore, 'findRoute'>, config: RelaySettings): Promise<NextHop | null> {
  const route = await routes.findRoute(domain);
  if (route) {
    const credentials = route.username !== null && route.password !== null ? { user: route.username, pass: route.password } : null;
    return { host: route.host, port: route.port, security: route.security, credentials, source: `route ${route.domain}` };
  }
  if (!config.relay) return null;
  const hop = parseHostPort(config.relay);
  if (!hop) throw new Error(`bad relay ${config.relay}`);
  const credentials = config.relay_username !== undefined && config.relay_password !== undefined ? { user: config.relay_username, pass: config.relay_password } : null;
  return { ...hop, security: config.relay_security, credentials, source: 'relay' };
}
