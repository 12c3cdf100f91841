// The DNS check of the self-test (issue 18 item 6, hMailServer's Diagnostics) against a real Mailroom and
// the test DNS server: all-correct records give no DNS warning; a wrong SPF and a missing DKIM record give
// two warnings whose remedies are the records to publish (and publishing them clears both); a DNS server
// that never answers gives `dns_unreachable`, never a false "missing record".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDnsServer, ptrName, type Zone } from './helpers/dns-server.ts';
import { MailroomProcess } from './helpers/mailroom.ts';

const TOKEN = 'dnscheck-admin-token-3f9a1c7e5b2d8a64';
const HOST = 'mx.mailroom.test';
const ADDRESS = '192.0.2.25';

interface Item {
  id: string;
  severity: string;
  message: string;
  remedy: string;
}

let dns: TestDnsServer;
let mr: MailroomProcess;
let dkim: { name: string; value: string; line: string };

/** Every record right for example.test served by mx.mailroom.test at 192.0.2.25. */
function correctZone(): Zone {
  return {
    [HOST]: { A: [ADDRESS] },
    [ptrName(ADDRESS)]: { PTR: [HOST] },
    'example.test': { MX: [{ exchange: HOST, priority: 10 }], TXT: ['v=spf1 mx -all'] },
    [dkim.name.replace(/\.$/, '')]: { TXT: [dkim.value] },
    '_dmarc.example.test': { TXT: ['v=DMARC1; p=quarantine'] },
  };
}

async function recheck(): Promise<Item[]> {
  const res = await mr.admin('/api/v1/warnings/recheck', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Item[] }).items;
}

const dnsWarnings = (items: Item[]) => items.filter((w) => w.id.startsWith('dns_'));

/** The TXT value of a zone-file line `name. IN TXT "a" "b"`: its quoted strings joined. */
const txtOf = (line: string) => [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]).join('');

beforeAll(async () => {
  dns = await TestDnsServer.start({});
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: TOKEN, MAILROOM_DNS_SERVERS: dns.address, MAILROOM_DNS_TIMEOUT_MS: '600', MAILROOM_HOSTNAME: HOST } });
  await mr.cli('domain', 'add', 'example.test');
  const printed = await mr.cli('dkim', 'generate', 'example.test', '--selector', 'sel1');
  const line = printed.split('\n').find((l) => l.includes('._domainkey.'))!;
  dkim = { name: line.split(' ')[0]!, value: txtOf(line), line };
  dns.zone = correctZone();
  await mr.start();
}, 60_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await dns?.close();
});

describe('the DNS check', () => {
  it('gives no DNS warning when MX, address, PTR, SPF, DKIM and DMARC are right, and asks the configured DNS server', async () => {
    dns.zone = correctZone();
    expect(dnsWarnings(await recheck())).toEqual([]);
    // It really looked: every record was asked of the test server.
    for (const [name, type] of [
      ['example.test', 'MX'],
      [HOST, 'A'],
      [ptrName(ADDRESS), 'PTR'],
      ['example.test', 'TXT'],
      [dkim.name, 'TXT'],
      ['_dmarc.example.test', 'TXT'],
    ] as const) {
      expect(dns.asked(name.replace(/\.$/, ''), type).length, `${type} ${name}`).toBeGreaterThan(0);
    }
  });

  it('a wrong SPF and a missing DKIM record give two warnings whose remedies are the records to publish; publishing them clears both', async () => {
    const zone = correctZone();
    zone['example.test']!.TXT = ['v=spf1 ip4:198.51.100.7 -all'];
    delete zone[dkim.name.replace(/\.$/, '')];
    dns.zone = zone;
    const items = dnsWarnings(await recheck());
    expect(items.map((w) => w.id).sort()).toEqual(['dns_dkim_record_missing', 'dns_spf_not_allowing']);
    const spf = items.find((w) => w.id === 'dns_spf_not_allowing')!;
    expect(spf.message).toContain('example.test gives fail for 192.0.2.25');
    expect(spf.remedy).toContain('example.test. IN TXT "v=spf1 ip4:198.51.100.7 a:mx.mailroom.test -all"');
    const dkimWarning = items.find((w) => w.id === 'dns_dkim_record_missing')!;
    expect(dkimWarning.remedy).toContain(dkim.line.trim());
    expect(dkimWarning.severity).toBe('high');

    // Shown in the metric Prometheus and the plugin read.
    const metrics = await (await mr.admin('/metrics')).text();
    expect(metrics).toMatch(/^mailroom_config_warnings\{id="dns_spf_not_allowing",severity="high"\} 1$/m);
    expect(metrics).toMatch(/^mailroom_config_warnings\{id="dns_dkim_record_missing",severity="high"\} 1$/m);

    // The remedies are what to publish: serve exactly those records and the warnings go.
    const spfLine = spf.remedy.split('\n').find((l) => l.startsWith('example.test. IN TXT'))!;
    const dkimLine = dkimWarning.remedy.split('\n').find((l) => l.includes('._domainkey.'))!;
    zone['example.test']!.TXT = [txtOf(spfLine)];
    zone[dkimLine.split(' ')[0]!.replace(/\.$/, '')] = { TXT: [txtOf(dkimLine)] };
    dns.zone = zone;
    expect(dnsWarnings(await recheck())).toEqual([]);
  });

  it('names every other missing record with its remedy: MX, address, PTR, SPF, DMARC, and another key in the DKIM record', async () => {
    dns.zone = {
      [HOST]: { A: [ADDRESS] },
      [ptrName(ADDRESS)]: { PTR: ['host-192-0-2-25.isp.test'] },
      'example.test': { MX: [{ exchange: 'mx.elsewhere.test', priority: 10 }] },
      [dkim.name.replace(/\.$/, '')]: { TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong'] },
    };
    const items = dnsWarnings(await recheck());
    const byId = Object.fromEntries(items.map((w) => [w.id, w]));
    expect(Object.keys(byId).sort()).toEqual(['dns_dkim_record_mismatch', 'dns_dmarc_missing', 'dns_mx_missing', 'dns_ptr_mismatch', 'dns_spf_missing']);
    expect(byId.dns_mx_missing!.remedy).toContain('example.test. IN MX 10 mx.mailroom.test.');
    expect(byId.dns_ptr_mismatch!.remedy).toContain('25.2.0.192.in-addr.arpa. IN PTR mx.mailroom.test.');
    expect(byId.dns_spf_missing!.remedy).toContain('example.test. IN TXT "v=spf1 mx a:mx.mailroom.test -all"');
    expect(byId.dns_dmarc_missing!.remedy).toContain('_dmarc.example.test. IN TXT "v=DMARC1; p=none; rua=mailto:postmaster@example.test"');
    expect(byId.dns_dkim_record_mismatch!.remedy).toContain(dkim.line.trim());

    dns.zone = { 'example.test': { MX: [{ exchange: HOST, priority: 10 }] } };
    const unresolved = dnsWarnings(await recheck()).find((w) => w.id === 'dns_host_unresolved');
    expect(unresolved?.remedy).toContain('mx.mailroom.test. IN A <public IPv4 address of this server>');
  });

  it('says DNS is unreachable, not that records are missing, when the DNS server never answers; and SERVFAIL is a failed lookup', async () => {
    dns.zone = {};
    dns.mode = 'silent';
    try {
      const items = dnsWarnings(await recheck());
      expect(items.map((w) => w.id)).toEqual(['dns_unreachable']);
      expect(items[0]!.message).toContain(dns.address);
      expect(items[0]!.remedy).toContain('dns.servers');
    } finally {
      dns.mode = null;
    }
    const zone = correctZone();
    dns.zone = zone;
    dns.misbehave.set('_dmarc.example.test', 'servfail');
    try {
      const items = dnsWarnings(await recheck());
      expect(items.map((w) => w.id)).toEqual(['dns_lookup_failed']);
      expect(items[0]!.message).toContain('_dmarc.example.test');
    } finally {
      dns.misbehave.clear();
    }
    expect(dnsWarnings(await recheck())).toEqual([]);
  });
});
