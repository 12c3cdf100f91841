// Where remote mail for a domain goes: the smarthost when one is configured, else the domain's MX
// hosts by preference (RFC 5321 section 5.1), falling back to the domain itself when it has no MX.
import dns from 'node:dns/promises';
import { parseHostPort } from '../config/validators.ts';

export interface Hop {
  host: string;
  port: number;
}

export class PermanentRoutingError extends Error {}

export async function resolveHops(domain: string, relay: string | undefined): Promise<Hop[]> {
  if (relay) {
    const hop = parseHostPort(relay);
    if (!hop) throw new Error(`bad relay ${relay}`);
    return [hop];
  }
  let records: Array<{ exchange: string; priority: number }>;
  try {
    records = await dns.resolveMx(domain);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTFOUND') throw new PermanentRoutingError(`domain ${domain} does not exist`);
    if (code === 'ENODATA') return [{ host: domain, port: 25 }];
    throw err;
  }
  // RFC 7505 null MX: the domain accepts no mail.
  if (records.length === 1 && records[0]!.exchange === '') throw new PermanentRoutingError(`domain ${domain} accepts no mail (null MX)`);
  return records
    .filter((r) => r.exchange !== '')
    .sort((a, b) => a.priority - b.priority)
    .map((r) => ({ host: r.exchange, port: 25 }));
}
