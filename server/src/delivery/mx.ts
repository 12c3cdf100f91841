// Where remote mail for a domain goes: the smarthost when one is configured, else the domain's MX
// hosts by preference (RFC 5321 section 5.1), falling back to the domain itself when it has no MX.
// Every lookup goes through the server's resolver (dns/): a domain that does not exist, or a null MX,
// is permanent (bounce); a lookup that fails otherwise is temporary (defer).
import { parseHostPort } from '../config/validators.ts';
import { DnsError } from '../dns/errors.ts';
import type { DnsResolver } from '../dns/resolver.ts';

export interface Hop {
  host: string;
  port: number;
}

export class PermanentRoutingError extends Error {}

export async function resolveHops(domain: string, relay: string | undefined, dns: DnsResolver): Promise<Hop[]> {
  if (relay) {
    const hop = parseHostPort(relay);
    if (!hop) throw new Error(`bad relay ${relay}`);
    return [hop];
  }
  let records: Array<{ exchange: string; priority: number }>;
  try {
    records = await dns.mx(domain);
  } catch (err) {
    if (err instanceof DnsError && err.failure === 'nxdomain') throw new PermanentRoutingError(`domain ${domain} does not exist`);
    if (err instanceof DnsError && err.failure === 'nodata') return [{ host: domain, port: 25 }];
    throw err;
  }
  // RFC 7505 null MX: the domain accepts no mail.
  if (records.length === 1 && records[0]!.exchange === '') throw new PermanentRoutingError(`domain ${domain} accepts no mail (null MX)`);
  return records
    .filter((r) => r.exchange !== '')
    .sort((a, b) => a.priority - b.priority)
    .map((r) => ({ host: r.exchange, port: 25 }));
}
