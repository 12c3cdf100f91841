// Parsers shared by the settings catalogue and the code that uses the parsed values.
import ipaddr from 'ipaddr.js';

export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(value: string): HostPort | null {
  const m = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(value.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: m[1]!, port };
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function parseCidrList(values: readonly string[]): Cidr[] | null {
  try {
    return values.map((v) => (v.includes('/') ? ipaddr.parseCIDR(v) : toHostCidr(ipaddr.parse(v))));
  } catch {
    return null;
  }
}

function toHostCidr(addr: ipaddr.IPv4 | ipaddr.IPv6): Cidr {
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
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
      return r.isIPv4MappedAddress() && addr.match(r.toIPv4Address(), bits - 96);
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
