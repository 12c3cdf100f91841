// A route as an operator gives it (`mailroom route add`, POST /api/v1/routes), checked the same way for
// both, and a route as they may see it back: the password masked, never echoed.
import { isHostName, parseHostPort } from '../config/validators.ts';
import { DEFAULT_ROUTE_DOMAIN, ROUTE_SECURITIES, type Route, type RouteSecurity } from '../store/route-store.ts';

export class RouteInputError extends Error {}

export interface RouteInput {
  domain: string;
  /** `host:port`, `[v6]:port`. */
  nextHop: string;
  security?: string;
  username?: string;
  password?: string;
}

export const MASKED_PASSWORD = '********';

/** A domain name or `*`, lower-case, without a trailing dot; null when it is neither. */
export function routeDomain(value: string): string | null {
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  if (domain === DEFAULT_ROUTE_DOMAIN) return domain;
  return isHostName(domain) && domain.includes('.') ? domain : null;
}

export function checkRoute(input: RouteInput, now: number): Route {
  const domain = routeDomain(input.domain);
  if (domain === null) throw new RouteInputError(`domain: not a domain name or '*': ${JSON.stringify(input.domain)}`);
  const hop = parseHostPort(input.nextHop);
  if (!hop) throw new RouteInputError(`next hop: expected host:port such as smtp.example.net:587 or [2001:db8::1]:25, got ${JSON.stringify(input.nextHop)}`);
  const withCredentials = input.username !== undefined || input.password !== undefined;
  if (withCredentials && (!input.username || !input.password)) throw new RouteInputError('username and password: give both or neither');
  // With credentials the default is to require TLS: a password never goes in the clear.
  const security = (input.security ?? (withCredentials ? 'starttls' : 'opportunistic')) as RouteSecurity;
  if (!ROUTE_SECURITIES.includes(security)) throw new RouteInputError(`security: expected one of ${ROUTE_SECURITIES.join(', ')}, got ${JSON.stringify(input.security)}`);
  if (withCredentials && security === 'opportunistic') throw new RouteInputError("security: credentials need 'starttls' or 'tls' (a password is never sent without TLS)");
  return { domain, host: hop.host, port: hop.port, security, username: input.username ?? null, password: input.password ?? null, createdAt: now };
}

/** What the CLI and the admin API show of a route: everything but the password. */
export function routeView(route: Route): { domain: string; host: string; port: number; security: RouteSecurity; username: string | null; password: string | null; createdAt: string } {
  return {
    domain: route.domain,
    host: route.host,
    port: route.port,
    security: route.security,
    username: route.username,
    password: route.password === null ? null : MASKED_PASSWORD,
    createdAt: new Date(route.createdAt).toISOString(),
  };
}
