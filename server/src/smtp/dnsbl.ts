// DNS blocklists (smtp.dnsbl_zones), as Postfix's reject_rbl_client: the client's address reversed under
// each zone (192.0.2.7 in zen.example -> 7.2.0.192.zen.example), listed when that name has an A record in
// 127.0.0.0/8; the zone's TXT record, when there is one, is the reason given to the client. Lookups go
// through dns/ (dns.servers, dns.timeout_ms). A zone that does not answer, or answers outside 127/8 (some
// lists answer 127.255.255.x to say "you are over our query limit", others point misconfigured resolvers
// elsewhere), lists nobody: a broken blocklist must not stop the mail.
import { DnsError } from '../dns/errors.ts';
import { reverseName, type DnsResolver } from '../dns/resolver.ts';

export interface DnsblListing {
  zone: string;
  /** The A record that listed it (127.0.0.x: its meaning is the list's own). */
  code: string;
  /** The list's TXT record, if any: usually a URL explaining the listing. */
  reason: string | null;
}

export class Dnsbl {
  constructor(
    private readonly dns: Pick<DnsResolver, 'a' | 'txt'>,
    private readonly zones: readonly string[],
  ) {}

  get enabled(): boolean {
    return this.zones.length > 0;
  }

  /** The first zone (in configuration order) that lists the address, or null. Never throws. */
  async check(address: string): Promise<DnsblListing | null> {
    if (this.zones.length === 0) return null;
    let base: string;
    try {
      base = reverseName(address).replace(/\.(in-addr|ip6)\.arpa$/, '');
    } catch {
      return null; // not an IP address (a Unix socket in a test): nothing to look up
    }
    const answers = await Promise.all(this.zones.map((zone) => this.lookup(`${base}.${zone}`, zone)));
    return answers.find((a) => a !== null) ?? null;
  }

  private async lookup(name: string, zone: string): Promise<DnsblListing | null> {
    let records: string[];
    try {
      records = await this.dns.a(name);
    } catch (err) {
      if (err instanceof DnsError) return null; // not listed (NXDOMAIN), or the list did not answer
      throw err;
    }
    const code = records.find((r) => r.startsWith('127.') && !r.startsWith('127.255.255.'));
    if (!code) return null;
    let reason: string | null = null;
    try {
      // Goes into an SMTP reply: printable ASCII only, and short.
      const text = (await this.dns.txt(name))
        .map((parts) =>
          parts
            .join('')
            .replace(/[^\x20-\x7e]/g, '')
            .trim(),
        )
        .find((t) => t.length > 0);
      reason = text ? text.slice(0, 200) : null;
    } catch {
      reason = null;
    }
    return { zone, code, reason };
  }
}
