// Routes (hMailServer's Routes, Postfix's transport maps): the next hop for mail to one destination domain,
// and the default smarthost under the domain `*`. Kept in the store so `mailroom route add` and the admin API
// change them on every node without a restart. The password must be sent to the next hop, so it is stored
// as given (as external POP3 passwords are); only the delivery code reads it: listings mask it.

/** `tls`: implicit TLS from the first byte; `starttls`: STARTTLS required; `opportunistic`: STARTTLS when offered. */
export type RouteSecurity = 'opportunistic' | 'starttls' | 'tls';

export const ROUTE_SECURITIES: readonly RouteSecurity[] = ['opportunistic', 'starttls', 'tls'];

/** The domain of the route every remote domain without its own takes (the default smarthost). */
export const DEFAULT_ROUTE_DOMAIN = '*';

export interface Route {
  /** A lower-case domain name, or `*`. */
  domain: string;
  host: string;
  port: number;
  security: RouteSecurity;
  /** Both or neither: AUTH at the next hop. */
  username: string | null;
  password: string | null;
  createdAt: number;
}

export interface RouteStore {
  /** Adds the route of a domain, or replaces the one it has. */
  setRoute(route: Route): Promise<void>;
  removeRoute(domain: string): Promise<boolean>;
  /** Every route, `*` first, then by domain. */
  listRoutes(): Promise<Route[]>;
  /** The route for mail to `domain`: its own, else the default (`*`), else null (config `relay`, then MX). */
  findRoute(domain: string): Promise<Route | null>;
}
