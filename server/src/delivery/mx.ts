// Where remote mail for a domain goes without a route (next-hop.ts): the domain's MX hosts by preference (RFC 5321 section 5.1), falling back to the domain itself when it has no MX.
// Every lookup goes through the server's resolver (dns/): a domain that does not exist, or a null MX,
// is permanent (bounce); a lookup that fails otherwise is temporary (defer).
import { DnsError } from '../dns/errors.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import type { RouteSecurity } from '../store/route-store.ts';
import type { NextHop } from './next-hop.ts';

export interface Hop {
  host: string;
  port: number;
  security: RouteSecurity;
  credentials: NextHop['credentials'];
}

export class PermanentRoutingError extends Error {}

const mxHop = (host: string): Hop => ({ host, port: 25, security: 'opportunistic', credentials: null });

export async function resolveHops(domain: string, route: NextHop | null, dns: DnsResolver): Promise<Hop[]> {
  if (route) return [route];
  let records: Array<{ exchange: string; priority: number }>;
  try {
    records = await dns.mx(domain);
  } catch (err) {
    if (err instanceof DnsError && err.failure === 'nxdomain') throw new PermanentRoutingError(`domain ${domain} does not exist`);
    if (err instanceof DnsError && err.failure === 'nodata') return [mxHop(domain)];
    throw err;
  }
  // RFC 7505 null MX: the domain accepts no mail.
  if (records.length === 1 && records[0]!.exchange === '') throw new PermanentRoutingError(`domain ${domain} accepts no mail (null MX)`);
  return records
    .filter((r) => r.exchange !== '')
    .sort((a, b) => a.priority - b.priority)
    .map((r) => mxHop(r.exchange));
}
