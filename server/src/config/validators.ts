// Parsers shared by the settings catalogue and the code that uses the parsed values. Strict on purpose:
// ipaddr.js alone reads "10/8" as 0.0.0.10/8 and "010.0.0.1" as 8.0.0.1, and in trusted_networks such a
// surprise opens the relay to the wrong people.
import net from 'node:net';
import ipaddr from 'ipaddr.js';

export interface HostPort {
  host: string;
  port: number;
}

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A DNS host name (underscores tolerated, as many real host names have them); no trailing dot. */
export function isHostName(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => LABEL.test(label));
}

/** `host:port` or `[ipv6]:port`; the host is a name or an IPv4 address. */
export function parseHostPort(value: string): HostPort | null {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value.trim());
  if (!m) return null;
  const host = m[1] ?? m[2]!;
  const validHost = m[1] !== undefined ? net.isIPv6(host) : net.isIPv4(host) || isHostName(host);
  if (!validHost) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host, port };
}

/** A DNS server: an IPv4 address with an optional port (`192.0.2.53`, `127.0.0.1:5353`), an IPv6 address bare or in brackets with an optional port (`::1`, `[::1]:53`). Port 53 when none is given. */
export function parseDnsServer(value: string): HostPort | null {
  const v = value.trim();
  if (net.isIPv4(v)) return { host: v, port: 53 };
  if (net.isIPv6(v) && !v.includes('%')) return { host: v, port: 53 };
  const m = /^(?:\[([^\]]+)\]|(\d{1,3}(?:\.\d{1,3}){3}))(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const host = m[1] ?? m[2]!;
  if (m[1] !== undefined ? !net.isIPv6(host) || host.includes('%') : !net.isIPv4(host)) return null;
  const port = m[3] === undefined ? 53 : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { host, port };
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** One range: `10.0.0.0/8`, `fd00::/8`, or a single address (`192.0.2.7`, `::1`). Returns why not, as a string. */
export function parseCidr(value: string): Cidr | string {
  const [address = '', bits, ...rest] = value.trim().split('/');
  if (rest.length > 0) return 'more than one "/"';
  if (address.includes('%')) return 'zone ids (%...) are not allowed';
  const family = net.isIP(address);
  if (family === 0) return `${JSON.stringify(address)} is not an IPv4 or IPv6 address`;
  const max = family === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return `prefix length ${JSON.stringify(bits)} is not a number`;
  const prefix = bits === undefined ? max : Number(bits);
  if (prefix > max) return `prefix length /${prefix} is longer than ${max} bits`;
  const addr = ipaddr.parse(address);
  const network = (family === 4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(`${address}/${prefix}`);
  if (addr.toString() !== network.toString()) return `host bits are set; the network is ${network.toString()}/${prefix}`;
  return [addr, prefix];
}

/** Every entry parsed, or null when one is not a range (parseCidr says why). */
export function parseCidrList(values: readonly string[]): Cidr[] | null {
  const out: Cidr[] = [];
  for (const v of values) {
    const parsed = parseCidr(v);
    if (typeof parsed === 'string') return null;
    out.push(parsed);
  }
  return out;
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in one of the ranges. */
export function inNetworks(address: string, networks: readonly Cidr[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(address);
  } catch {
    return false;
  }
  return networks.some(([range, bits]) => {
    if (addr.kind() === range.kind()) return addr.match(range, bits);
    if (addr.kind() === 'ipv4' && range.kind() === 'ipv6') {
      const r = range as ipaddr.IPv6;
      return r.isIPv4MappedAddress() && bits >= 96 && addr.match(r.toIPv4Address(), bits - 96);
    }
    return false;
  });
}

export function isLoopback(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'loopback';
  } catch {
    return false;
  }
}
