// A `lookup` for net.connect and tls.connect that asks our resolver instead of the system's getaddrinfo,
// so a client socket to a named host (an external POP3 account) follows dns.servers like everything else.
import net from 'node:net';
import type { DnsResolver } from './resolver.ts';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

export function connectLookup(dns: DnsResolver): net.LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    dns.addresses(hostname).then(
      (addresses) => {
        const found = addresses.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
        // Node 20 asks for all addresses when it may try both families (autoSelectFamily).
        if (options.all) callback(null, found);
        else callback(null, found[0]!.address, found[0]!.family);
      },
      (err: Error & { code?: string }) => callback(Object.assign(err, { code: err.code ?? 'ENOTFOUND' }) as NodeJS.ErrnoException, ''),
    );
  }) as unknown as net.LookupFunction;
}
