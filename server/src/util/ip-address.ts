// One text form per client address, so that a ban on 192.0.2.7 also holds when the same client arrives
// as ::ffff:192.0.2.7 on a dual-stack listener.
import ipaddr from 'ipaddr.js';

/** The canonical form of an IP address, or null when the text is not one. */
export function canonicalIp(address: string): string | null {
  try {
    return ipaddr.process(address.trim()).toString();
  } catch {
    return null;
  }
}

export function isLoopbackIp(address: string): boolean {
  try {
    return ipaddr.process(address).range() === 'loopback';
  } catch {
    return false;
  }
}
