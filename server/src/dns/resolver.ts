// The one DNS resolver of the server: Node's c-ares resolver pointed at `dns.servers` (or the system's
// resolvers when that is empty), every lookup bounded by `dns.timeout_ms`, failures turned into DnsError
// (permanent or temporary, errors.ts) and counted (stats.ts). MX routing, outbound connections, the PTR
// of SMTP clients and the SPF/DKIM/DMARC checks all ask through it; nothing else imports node:dns
// (an ESLint rule keeps it so).
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/settings.ts';
import { parseDnsServer } from '../config/validators.ts';
import { DnsError, failureOf } from './errors.ts';
import { countQuery } from './stats.ts';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface DnsOptions {
  /** `dns.servers` entries; empty for the system's resolvers. */
  servers: readonly string[];
  timeoutMs: number;
}

/** c-ares retries a lost UDP query; its per-try timeout doubles each round, so three units fit two tries. */
const TRIES = 2;

export class DnsResolver {
  private readonly resolver: Resolver;

  constructor(private readonly options: DnsOptions) {
    this.resolver = new Resolver({ timeout: Math.max(50, Math.floor(options.timeoutMs / 3)), tries: TRIES });
    if (options.servers.length > 0) {
      this.resolver.setServers(
        options.servers.map((entry) => {
          const server = parseDnsServer(entry);
          if (!server) throw new Error(`dns.servers: ${JSON.stringify(entry)} is not a DNS server address`);
          return net.isIPv6(server.host) ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
        }),
      );
    }
  }

  /** The servers asked, as Node reports them (the system's when dns.servers is empty). */
  get servers(): string[] {
    return this.resolver.getServers();
  }

  mx(domain: string): Promise<MxRecord[]> {
    return this.ask(domain, 'MX', () => this.resolver.resolveMx(domain));
  }

  a(host: string): Promise<string[]> {
    return this.ask(host, 'A', () => this.resolver.resolve4(host));
  }

  aaaa(host: string): Promise<string[]> {
    return this.ask(host, 'AAAA', () => this.resolver.resolve6(host));
  }

  /** TXT records, each as the character strings it is made of (join them for SPF, DKIM and DMARC). */
  txt(name: string): Promise<string[][]> {
    return this.ask(name, 'TXT', () => this.resolver.resolveTxt(name));
  }

  /**
   * The PTR names of an IP address. Asked as a PTR query for its in-addr.arpa / ip6.arpa name, not with
   * c-ares' reverse(), which answers from /etc/hosts first (127.0.0.1 would be this machine's name).
   */
  ptr(address: string): Promise<string[]> {
    const name = reverseName(address);
    return this.ask(name, 'PTR', () => this.resolver.resolvePtr(name));
  }

  /** Any record type, answered as Node's `resolve(name, type)` answers (what mail-authentication libraries expect). */
  resolve(name: string, type: string): Promise<unknown> {
    return this.ask(name, type, () => this.resolver.resolve(name, type));
  }

  /**
   * The addresses to connect to for a host: an IP address as it is, `localhost` as loopback, otherwise its A
   * records, else its AAAA records (an IPv4 path is the likelier to work; the first family found is used).
   */
  async addresses(host: string): Promise<string[]> {
    if (net.isIP(host)) return [host];
    if (host.toLowerCase() === 'localhost') return ['127.0.0.1'];
    try {
      return await this.a(host);
    } catch (err) {
      if (!(err instanceof DnsError) || err.failure !== 'nodata') throw err;
    }
    return this.aaaa(host);
  }

  private async ask<T>(name: string, type: string, query: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    // c-ares bounds each try, but with several servers and retries the sum can pass the setting: the
    // caller gets a timeout at the deadline and the query is left to finish on its own.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('deadline'), { code: 'ETIMEOUT' })), this.options.timeoutMs);
    });
    try {
      const answer = await Promise.race([query(), deadline]);
      countQuery(type, 'answer');
      return answer;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EUNKNOWN';
      const failure = failureOf(code);
      countQuery(type, failure);
      throw new DnsError(name, type, failure, code);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The name a PTR record of an address lives at: 192.0.2.1 → 1.2.0.192.in-addr.arpa, IPv6 by nibbles under ip6.arpa (RFC 3596). */
export function reverseName(address: string): string {
  const ip = ipaddr.process(address);
  if (ip.kind() === 'ipv4') return `${ip.toString().split('.').reverse().join('.')}.in-addr.arpa`;
  const nibbles = (ip as ipaddr.IPv6)
    .toNormalizedString()
    .split(':')
    .map((group) => group.padStart(4, '0'))
    .join('')
    .split('');
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

const shared = new WeakMap<Config, DnsResolver>();

/** The resolver for a loaded configuration: one per Config object, so the whole server shares it. */
export function dnsFor(config: Config): DnsResolver {
  let resolver = shared.get(config);
  if (!resolver) {
    resolver = new DnsResolver({ servers: config['dns.servers'], timeoutMs: config['dns.timeout_ms'] });
    shared.set(config, resolver);
  }
  return resolver;
}
