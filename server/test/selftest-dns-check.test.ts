// The DNS check's rules, run directly (no Mailroom process) with the server's resolver asking the test DNS
// server: several domains in one warning, key rotation, ed25519 records, SPF remedies that keep what the
// record allowed, a host name that is not a public name, and a DNS server that stops answering midway.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDkimKey, dnsRecord, zoneLine } from '../src/dkim/keys.ts';
import { DnsResolver } from '../src/dns/resolver.ts';
import { dnsCheck, spfAllowing } from '../src/selftest/checks-dns.ts';
import type { DkimKeyInfo } from '../src/store/dkim-key-store.ts';
import { TestDnsServer, ptrName, type Zone } from './helpers/dns-server.ts';

const HOST = 'mx.example.test';
const ADDRESS = '192.0.2.80';
let dns: TestDnsServer;
let resolver: DnsResolver;

const ed = generateDkimKey('example.test', 'new', 'ed25519', 0, 0);
const rsa = generateDkimKey('example.test', 'old', 'rsa', 1024, 0);
const keys: DkimKeyInfo[] = [ed, rsa];
const txtName = (key: DkimKeyInfo) => dnsRecord(key).name.replace(/\.$/, '');

function zone(): Zone {
  return {
    [HOST]: { A: [ADDRESS] },
    [ptrName(ADDRESS)]: { PTR: [HOST] },
    'example.test': { MX: [{ exchange: HOST, priority: 10 }], TXT: ['v=spf1 a:mx.example.test -all'] },
    'example.org': { MX: [{ exchange: HOST, priority: 10 }], TXT: ['v=spf1 redirect=_spf.example.test'] },
    '_spf.example.test': { TXT: ['v=spf1 ip4:192.0.2.80 -all'] },
    '_dmarc.example.test': { TXT: ['v=DMARC1; p=reject'] },
    '_dmarc.example.org': { TXT: ['v=DMARC1; p=none'] },
    [txtName(ed)]: { TXT: [dnsRecord(ed).value] },
    [txtName(rsa)]: { TXT: [dnsRecord(rsa).value] },
  };
}

const check = (hostname = HOST, domains = ['example.test', 'example.org']) => dnsCheck({ dns: resolver, hostname, domains: async () => domains, dkimKeys: async () => keys })();

beforeAll(async () => {
  dns = await TestDnsServer.start(zone());
  resolver = new DnsResolver({ servers: [dns.address], timeoutMs: 400 });
});

afterAll(async () => {
  await dns.close();
});

describe('the DNS check, rule by rule', () => {
  it('passes two domains, a redirect= SPF and two published selectors (rsa and ed25519)', async () => {
    dns.zone = zone();
    expect(await check()).toEqual([]);
  });

  it('no local domain: nothing to check, nothing asked', async () => {
    const asked = dns.queries.length;
    expect(await check(HOST, [])).toEqual([]);
    expect(dns.queries.length).toBe(asked);
  });

  it('gathers the domains of one problem into one warning, one remedy line each', async () => {
    const z = zone();
    delete z['_dmarc.example.test'];
    delete z['_dmarc.example.org'];
    dns.zone = z;
    const warnings = await check();
    expect(warnings.map((w) => w.id)).toEqual(['dns_dmarc_missing']);
    expect(warnings[0]!.message).toContain('example.test; example.org');
    expect(warnings[0]!.remedy.split('\n').slice(1)).toEqual([
      '_dmarc.example.test. IN TXT "v=DMARC1; p=none; rua=mailto:postmaster@example.test"',
      '_dmarc.example.org. IN TXT "v=DMARC1; p=none; rua=mailto:postmaster@example.org"',
    ]);
  });

  it('during a rotation, the unpublished selector is named; an ed25519 record with the rsa key type is a mismatch', async () => {
    const z = zone();
    delete z[txtName(rsa)];
    z[txtName(ed)] = { TXT: [dnsRecord(ed).value.replace('k=ed25519', 'k=rsa')] };
    dns.zone = z;
    const byId = Object.fromEntries((await check()).map((w) => [w.id, w]));
    expect(Object.keys(byId).sort()).toEqual(['dns_dkim_record_mismatch', 'dns_dkim_record_missing']);
    expect(byId.dns_dkim_record_missing!.remedy).toContain(zoneLine(dnsRecord(rsa)));
    expect(byId.dns_dkim_record_mismatch!.remedy).toContain(zoneLine(dnsRecord(ed)));
  });

  it('an SPF that does not allow us keeps what it allowed and adds our host before all or redirect=', async () => {
    expect(spfAllowing('v=spf1 ip4:198.51.100.1 ~all', HOST)).toBe('v=spf1 ip4:198.51.100.1 a:mx.example.test ~all');
    expect(spfAllowing('v=spf1 redirect=_spf.other.test', HOST)).toBe('v=spf1 a:mx.example.test redirect=_spf.other.test');
    expect(spfAllowing('v=spf1 include:x.test', HOST)).toBe('v=spf1 include:x.test a:mx.example.test');
    const z = zone();
    z['_spf.example.test'] = { TXT: ['v=spf1 ip4:198.51.100.1 -all'] };
    dns.zone = z;
    const [warning] = await check();
    expect(warning!.id).toBe('dns_spf_not_allowing');
    expect(warning!.remedy).toContain('example.org. IN TXT "v=spf1 a:mx.example.test redirect=_spf.example.test"');
  });

  it('with a host name that is not a public name, only SPF existence, DKIM and DMARC are checked', async () => {
    dns.zone = { ...zone(), 'example.test': { TXT: ['v=spf1 ip4:198.51.100.1 -all'] } };
    expect(await check('localhost', ['example.test'])).toEqual([]);
  });

  it('a server that stops answering after the first question gives dns_unreachable, not missing records', async () => {
    dns.zone = zone();
    dns.misbehave.set('_dmarc.example.test', 'silent');
    dns.misbehave.set(txtName(ed), 'silent');
    try {
      const warnings = await check();
      expect(warnings.map((w) => w.id)).toEqual(['dns_unreachable']);
    } finally {
      dns.misbehave.clear();
    }
  });
});
