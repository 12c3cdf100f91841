// The DNS check (hMailServer's Diagnostics): does the world find and trust this server for each local
// domain? The MX names our host name, the host name has an address whose PTR names it back, SPF exists and
// passes for our addresses (evaluated with mailauth, as a receiver would), the DKIM TXT record of every
// stored key publishes that key, and DMARC exists. Each problem is a warning whose remedy is the record to
// publish. A lookup that gets no answer is never taken for a missing record: it gives `dns_unreachable`
// (or `dns_lookup_failed` for SERVFAIL and the like) instead.
import { spf } from 'mailauth/lib/spf/index.js';
import { dnsRecord, zoneLine } from '../dkim/keys.ts';
import { DnsError } from '../dns/errors.ts';
import { reverseName, type DnsResolver, type MxRecord } from '../dns/resolver.ts';
import type { DkimKeyInfo } from '../store/dkim-key-store.ts';
import type { Warning } from './warning.ts';

export interface DnsCheckSources {
  dns: Pick<DnsResolver, 'mx' | 'a' | 'aaaa' | 'txt' | 'ptr' | 'resolve' | 'servers'>;
  hostname: string;
  domains: () => Promise<string[]>;
  dkimKeys: () => Promise<DkimKeyInfo[]>;
}

/** A lookup's outcome: the records, `absent` (NXDOMAIN or NODATA: the record is really missing), or `failed`. */
type Looked<T> = { kind: 'found'; value: T } | { kind: 'absent' } | { kind: 'failed'; error: DnsError };

/** Everything found wrong, by warning id, one line per domain (or name) for the message and for the remedy. */
class Findings {
  readonly problems = new Map<string, { message: string[]; remedy: string[] }>();
  readonly failures: DnsError[] = [];

  add(id: string, message: string, remedy: string): void {
    const entry = this.problems.get(id) ?? { message: [], remedy: [] };
    entry.message.push(message);
    if (!entry.remedy.includes(remedy)) entry.remedy.push(remedy);
    this.problems.set(id, entry);
  }

  async look<T>(query: () => Promise<T>): Promise<Looked<T>> {
    try {
      return { kind: 'found', value: await query() };
    } catch (err) {
      if (!(err instanceof DnsError)) throw err;
      if (err.permanent) return { kind: 'absent' };
      this.failures.push(err);
      return { kind: 'failed', error: err };
    }
  }
}

const WARNINGS: Record<string, { severity: Warning['severity']; intro: string; outro: string }> = {
  dns_mx_missing: { severity: 'high', intro: 'The MX record does not name this server', outro: 'Publish (or add) this MX record:' },
  dns_host_unresolved: { severity: 'high', intro: 'The host name has no address', outro: 'Publish an address record for the host name (the public address of this server):' },
  dns_ptr_mismatch: { severity: 'medium', intro: 'The reverse DNS (PTR) of this server does not name it', outro: 'Ask whoever runs the address (the hosting or network provider) to publish:' },
  dns_spf_missing: { severity: 'high', intro: 'No SPF record', outro: 'Publish this SPF record:' },
  dns_spf_not_allowing: { severity: 'high', intro: 'The SPF record does not allow this server to send', outro: 'Replace the SPF record with:' },
  dns_dkim_record_missing: { severity: 'high', intro: 'No DKIM record for a stored key', outro: 'Publish this DKIM record:' },
  dns_dkim_record_mismatch: { severity: 'high', intro: 'The DKIM record does not publish the stored key', outro: 'Replace the DKIM record with:' },
  dns_dmarc_missing: { severity: 'medium', intro: 'No DMARC record', outro: 'Publish a DMARC record (start with p=none, then quarantine or reject once the reports show all your mail passes):' },
};

const FQDN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

const bare = (name: string): string => name.toLowerCase().replace(/\.$/, '');
const txtValues = (records: string[][]): string[] => records.map((parts) => parts.join(''));
const quoted = (value: string): string => (value.match(/.{1,255}/g) ?? ['']).map((p) => `"${p}"`).join(' ');

/** The SPF record with `a:host` added before its `all` (or redirect), so the rest of what it allows stays. */
export function spfAllowing(current: string | null, host: string): string {
  if (current === null) return `v=spf1 mx a:${host} -all`;
  const terms = current.trim().split(/\s+/);
  const at = terms.findIndex((t) => /^[-~?+]?all$/i.test(t) || /^redirect=/i.test(t));
  terms.splice(at < 0 ? terms.length : at, 0, `a:${host}`);
  return terms.join(' ');
}

/** DKIM tags of a record (`v=DKIM1; k=rsa; p=...`), names lower case, values without white space (RFC 6376 3.6.1). */
function dkimTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) tags.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).replace(/\s+/g, ''));
  }
  return tags;
}

export function dnsCheck(sources: DnsCheckSources): () => Promise<Warning[]> {
  return async () => {
    const domains = await sources.domains();
    if (domains.length === 0) return [];
    const host = bare(sources.hostname);
    const { dns } = sources;
    const found = new Findings();

    // One question first: when the servers do not answer, say so once instead of waiting for every lookup.
    const probe = await found.look(() => dns.mx(domains[0]!));
    if (probe.kind === 'failed' && probe.error.failure === 'timeout') return [unreachable(dns.servers, [probe.error])];

    const hostIsName = FQDN.test(host) && !/^localhost(\.|$)/.test(host);
    const addresses = hostIsName ? await hostAddresses(found, sources, host) : [];
    const keys = await sources.dkimKeys();
    await Promise.all(domains.map((domain) => checkDomain(found, sources, domain, host, hostIsName, addresses, keys, domain === domains[0] ? probe : null)));

    const warnings: Warning[] = [];
    for (const [id, { message, remedy }] of found.problems) {
      const kind = WARNINGS[id]!;
      warnings.push({ id, severity: kind.severity, message: `${kind.intro}: ${message.join('; ')}.`, remedy: `${kind.outro}\n${remedy.join('\n')}` });
    }
    if (found.failures.some((f) => f.failure === 'timeout')) warnings.push(unreachable(dns.servers, found.failures));
    else if (found.failures.length > 0) {
      warnings.push({
        id: 'dns_lookup_failed',
        severity: 'medium',
        message: `Some DNS lookups of the DNS check failed, so those records could not be checked: ${[...new Set(found.failures.map((f) => f.message))].join('; ')}.`,
        remedy: 'This is usually temporary (the domain\'s name servers failing); the check runs again on its schedule or on "Check now". If it stays, check the domain\'s name servers.',
      });
    }
    return warnings;
  };
}

function unreachable(servers: string[], failures: DnsError[]): Warning {
  return {
    id: 'dns_unreachable',
    severity: 'high',
    message: `The DNS servers (${servers.join(', ') || 'none'}) did not answer (${[...new Set(failures.map((f) => f.message))].slice(0, 3).join('; ')}); the DNS records of the local domains could not be checked, and delivery and sender checks suffer too.`,
    remedy: 'Check dns.servers (MAILROOM_DNS_SERVERS) and that this host can reach them on port 53 (UDP and TCP).',
  };
}

async function hostAddresses(found: Findings, { dns }: DnsCheckSources, host: string): Promise<string[]> {
  const [v4, v6] = await Promise.all([found.look(() => dns.a(host)), found.look(() => dns.aaaa(host))]);
  const addresses = [...(v4.kind === 'found' ? v4.value : []), ...(v6.kind === 'found' ? v6.value : [])];
  if (addresses.length === 0 && v4.kind === 'absent' && v6.kind === 'absent') {
    found.add('dns_host_unresolved', `${host} has no A or AAAA record`, `${host}. IN A <public IPv4 address of this server>`);
  }
  await Promise.all(
    addresses.map(async (address) => {
      const ptr = await found.look(() => dns.ptr(address));
      if (ptr.kind === 'failed') return;
      const names = ptr.kind === 'found' ? ptr.value.map(bare) : [];
      if (!names.includes(host)) {
        found.add('dns_ptr_mismatch', `${address} ${names.length ? `points at ${names.join(', ')}` : 'has no PTR record'}, not ${host}`, `${reverseName(address)}. IN PTR ${host}.`);
      }
    }),
  );
  return addresses;
}

async function checkDomain(
  found: Findings,
  sources: DnsCheckSources,
  domain: string,
  host: string,
  hostIsName: boolean,
  addresses: string[],
  keys: DkimKeyInfo[],
  mxAsked: Looked<MxRecord[]> | null,
): Promise<void> {
  const { dns } = sources;
  const [mx, txt, dmarc] = await Promise.all([mxAsked ?? found.look(() => dns.mx(domain)), found.look(() => dns.txt(domain)), found.look(() => dns.txt(`_dmarc.${domain}`))]);

  if (hostIsName && mx.kind !== 'failed') {
    const exchanges = mx.kind === 'found' ? mx.value.map((r) => bare(r.exchange)) : [];
    if (!exchanges.includes(host)) {
      found.add('dns_mx_missing', `${domain} ${exchanges.length ? `names ${exchanges.join(', ')}` : 'has no MX record'}, not ${host}`, `${domain}. IN MX 10 ${host}.`);
    }
  }

  if (txt.kind !== 'failed') {
    const records = txt.kind === 'found' ? txtValues(txt.value).filter((v) => /^v=spf1(\s|$)/i.test(v)) : [];
    if (records.length === 0) found.add('dns_spf_missing', domain, `${domain}. IN TXT ${quoted(spfAllowing(null, hostIsName ? host : domain))}`);
    else if (hostIsName) await checkSpf(found, sources, domain, host, addresses, records);
  }

  if (dmarc.kind !== 'failed') {
    const records = dmarc.kind === 'found' ? txtValues(dmarc.value).filter((v) => /^v=DMARC1\s*(;|$)/i.test(v)) : [];
    if (records.length === 0) found.add('dns_dmarc_missing', domain, `_dmarc.${domain}. IN TXT "v=DMARC1; p=none; rua=mailto:postmaster@${domain}"`);
  }

  await Promise.all(keys.filter((k) => k.domain === domain).map((key) => checkDkim(found, sources, key)));
}

/** SPF as a receiver evaluates it for mail from postmaster@domain sent by each of our addresses. */
async function checkSpf(found: Findings, { dns }: DnsCheckSources, domain: string, host: string, addresses: string[], records: string[]): Promise<void> {
  for (const ip of addresses) {
    const result = await spf({
      ip,
      sender: `postmaster@${domain}`,
      helo: host,
      mta: host,
      resolver: (name: string, type: string) => dns.resolve(name, type) as Promise<string[][] | string[]>,
    });
    const verdict = result.status.result;
    if (verdict === 'pass') continue;
    if (verdict === 'temperror') {
      found.failures.push(new DnsError(domain, 'TXT', 'error', 'SPF temperror'));
      return;
    }
    const current = records.length === 1 ? records[0]! : null;
    found.add('dns_spf_not_allowing', `${domain} gives ${verdict} for ${ip} (${records.join(' | ')})`, `${domain}. IN TXT ${quoted(spfAllowing(current, host))}`);
    return;
  }
}

async function checkDkim(found: Findings, { dns }: DnsCheckSources, key: DkimKeyInfo): Promise<void> {
  const expected = dnsRecord(key);
  const name = expected.name.replace(/\.$/, '');
  const txt = await found.look(() => dns.txt(name));
  if (txt.kind === 'failed') return;
  const records = txt.kind === 'found' ? txtValues(txt.value).filter((v) => /(^|;)\s*p=/i.test(v)) : [];
  if (records.length === 0) {
    found.add('dns_dkim_record_missing', `${name} (selector ${key.selector} of ${key.domain})`, zoneLine(expected));
    return;
  }
  const matches = records.some((r) => {
    const tags = dkimTags(r);
    return tags.get('p') === key.publicKey && (tags.get('k') ?? 'rsa').toLowerCase() === key.algorithm;
  });
  if (!matches) found.add('dns_dkim_record_mismatch', `${name} (selector ${key.selector} of ${key.domain}) publishes another key`, zoneLine(expected));
}
