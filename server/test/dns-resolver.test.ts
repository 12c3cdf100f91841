// The server's resolver (server/src/dns/) against a real DNS server on loopback (helpers/dns-server.ts):
// every record type Mailroom asks for, failures classified as permanent or temporary, a server that never
// answers, truncated UDP answers completed over TCP, a list of servers, and MX routing built on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DnsError } from '../src/dns/errors.ts';
import { DnsResolver, reverseName } from '../src/dns/resolver.ts';
import { dnsQueryCounts } from '../src/dns/stats.ts';
import { PermanentRoutingError, resolveHops } from '../src/delivery/mx.ts';
import { ptrName, TestDnsServer } from './helpers/dns-server.ts';
import { freePort } from './helpers/ports.ts';

let dns: TestDnsServer;
let resolver: DnsResolver;
const LONG_TXT = `v=spf1 ${Array.from({ length: 120 }, (_, i) => `ip4:198.51.100.${i}`).join(' ')} -all`;

beforeAll(async () => {
  dns = await TestDnsServer.start({
    'example.test': {
      A: ['192.0.2.10'],
      MX: [
        { exchange: 'mx2.example.test', priority: 20 },
        { exchange: 'mx1.example.test', priority: 10 },
      ],
      TXT: ['v=spf1 ip4:192.0.2.0/24 -all', ['part one ', 'part two']],
    },
    'mx1.example.test': { A: ['192.0.2.11', '192.0.2.12'] },
    'v6only.example.test': { AAAA: ['2001:db8::25'] },
    'nomx.example.test': { A: ['192.0.2.30'] },
    'nullmx.example.test': { MX: [{ exchange: '.', priority: 0 }] },
    'alias.example.test': { CNAME: 'mx1.example.test' },
    'long.example.test': { TXT: [LONG_TXT] },
    [ptrName('192.0.2.11')]: { PTR: ['mx1.example.test'] },
  });
  // A short timeout: the silent cases are waited out in every run.
  resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 600 });
});

afterAll(async () => {
  await dns?.close();
});

async function failureOf(p: Promise<unknown>): Promise<DnsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DnsError);
  return err as DnsError;
}

describe('answers from the configured server', () => {
  it('asks only the configured server', () => {
    expect(resolver.servers).toEqual([dns.address]);
  });

  it('answers A, AAAA, MX, TXT and PTR', async () => {
    expect(await resolver.a('example.test')).toEqual(['192.0.2.10']);
    expect(await resolver.aaaa('v6only.example.test')).toEqual(['2001:db8::25']);
    expect((await resolver.mx('example.test')).sort((x, y) => x.priority - y.priority)).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await resolver.txt('example.test')).toEqual([['v=spf1 ip4:192.0.2.0/24 -all'], ['part one ', 'part two']]);
    expect(await resolver.ptr('192.0.2.11')).toEqual(['mx1.example.test']);
    expect(await resolver.ptr('::ffff:192.0.2.11')).toEqual(['mx1.example.test']);
    expect(await resolver.resolve('alias.example.test', 'A')).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(dns.asked('example.test', 'MX')).toHaveLength(1);
  });

  it('asks PTR names from the server, never from /etc/hosts', async () => {
    expect(reverseName('2001:db8::1')).toBe('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(reverseName('127.0.0.1')).toBe('1.0.0.127.in-addr.arpa');
    // /etc/hosts names 127.0.0.1 (localhost at least); the zone has no PTR for it.
    expect(await failureOf(resolver.ptr('127.0.0.1'))).toMatchObject({ failure: 'nxdomain' });
    expect(dns.asked('1.0.0.127.in-addr.arpa', 'PTR')).toHaveLength(1);
  });

  it('gives the addresses to connect to: A first, AAAA when there is no A, literals and localhost without asking', async () => {
    expect(await resolver.addresses('mx1.example.test')).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(await resolver.addresses('v6only.example.test')).toEqual(['2001:db8::25']);
    const before = dns.queries.length;
    expect(await resolver.addresses('192.0.2.99')).toEqual(['192.0.2.99']);
    expect(await resolver.addresses('::1')).toEqual(['::1']);
    expect(await resolver.addresses('localhost')).toEqual(['127.0.0.1']);
    expect(dns.queries.length).toBe(before);
  });

  it('completes a truncated UDP answer over TCP', async () => {
    const records = await resolver.txt('long.example.test');
    expect(records.map((r) => r.join(''))).toEqual([LONG_TXT]);
    expect(LONG_TXT.length).toBeGreaterThan(512);
    expect(dns.asked('long.example.test', 'TXT').map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });
});

describe('failures, permanent or temporary', () => {
  it('NXDOMAIN and NODATA are permanent', async () => {
    const nx = await failureOf(resolver.mx('nowhere.example.test'));
    expect(nx).toMatchObject({ failure: 'nxdomain', permanent: true, domain: 'nowhere.example.test', type: 'MX' });
    const nodata = await failureOf(resolver.mx('nomx.example.test'));
    expect(nodata).toMatchObject({ failure: 'nodata', permanent: true });
  });

  it('SERVFAIL and REFUSED are temporary', async () => {
    dns.misbehave.set('broken.example.test', 'servfail');
    dns.misbehave.set('closed.example.test', 'refused');
    expect(await failureOf(resolver.mx('broken.example.test'))).toMatchObject({ failure: 'servfail', permanent: false });
    expect(await failureOf(resolver.txt('closed.example.test'))).toMatchObject({ failure: 'refused', permanent: false });
  });

  it('a server that never answers is a temporary timeout, and the next lookup is answered again', async () => {
    dns.misbehave.set('silent.example.test', 'silent');
    const err = await failureOf(resolver.txt('silent.example.test'));
    expect(err).toMatchObject({ failure: 'timeout', permanent: false });
    expect(err.message).toContain('silent.example.test');
    expect(await resolver.a('example.test')).toEqual(['192.0.2.10']);
  });

  it('nothing listening on the configured port is temporary', async () => {
    const dead = new DnsResolver({ servers: [`127.0.0.1:${await freePort()}`], timeoutMs: 600 });
    const err = await failureOf(dead.mx('example.test'));
    expect(err.permanent).toBe(false);
  });

  it('asks the next server when the first does not answer', async () => {
    const both = new DnsResolver({ servers: [`127.0.0.1:${await freePort()}`, dns.address], timeoutMs: 3000 });
    expect(await both.a('example.test')).toEqual(['192.0.2.10']);
  });

  it('counts lookups by type and result', async () => {
    const count = (type: string, result: string) => dnsQueryCounts().find((c) => c.type === type && c.result === result)!.count;
    const before = { answer: count('MX', 'answer'), nxdomain: count('MX', 'nxdomain') };
    await resolver.mx('example.test');
    await failureOf(resolver.mx('nowhere.example.test'));
    expect(count('MX', 'answer')).toBe(before.answer + 1);
    expect(count('MX', 'nxdomain')).toBe(before.nxdomain + 1);
    expect(dnsQueryCounts().some((c) => c.type === 'other')).toBe(true);
  });
});

describe('MX routing on the resolver', () => {
  it('orders MX hosts by preference', async () => {
    expect(await resolveHops('example.test', null, resolver)).toEqual([
      { host: 'mx1.example.test', port: 25, security: 'opportunistic', credentials: null },
      { host: 'mx2.example.test', port: 25, security: 'opportunistic', credentials: null },
    ]);
  });

  it('falls back to the domain itself without MX (NODATA), bounces a missing domain and a null MX', async () => {
    expect(await resolveHops('nomx.example.test', null, resolver)).toEqual([{ host: 'nomx.example.test', port: 25, security: 'opportunistic', credentials: null }]);
    await expect(resolveHops('nowhere.example.test', null, resolver)).rejects.toBeInstanceOf(PermanentRoutingError);
    await expect(resolveHops('nullmx.example.test', null, resolver)).rejects.toThrow(/null MX/);
  });

  it('defers (a temporary error, not a bounce) when the DNS server fails', async () => {
    const err = await resolveHops('broken.example.test', null, resolver).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DnsError);
    expect(err).not.toBeInstanceOf(PermanentRoutingError);
  });

  it('uses the route (or relay) without asking DNS', async () => {
    const before = dns.queries.length;
    const route = { host: '127.0.0.1', port: 2525, security: 'starttls' as const, credentials: null, source: 'relay' };
    expect(await resolveHops('example.test', route, resolver)).toEqual([route]);
    expect(dns.queries.length).toBe(before);
  });
});
