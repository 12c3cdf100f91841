// Lookups counted for mailroom_dns_queries_total{type,result}. One tally for the process (like the log
// line counts): the metric reads it at scrape time, so telemetry never imports this folder.
import { DNS_FAILURES } from './errors.ts';

/** Record types with their own label; anything else a library asks for counts as `other`. */
export const DNS_TYPES = ['A', 'AAAA', 'MX', 'TXT', 'PTR', 'CNAME', 'NS', 'other'] as const;
export type DnsTypeLabel = (typeof DNS_TYPES)[number];
export const DNS_RESULTS = ['answer', ...DNS_FAILURES] as const;
export type DnsResult = (typeof DNS_RESULTS)[number];

const counts = new Map<string, number>();

export function countQuery(type: string, result: DnsResult): void {
  const label: DnsTypeLabel = (DNS_TYPES as readonly string[]).includes(type) ? (type as DnsTypeLabel) : 'other';
  const key = `${label} ${result}`;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Every type and result, zeros included, so the series exist from the start. */
export function dnsQueryCounts(): Array<{ type: DnsTypeLabel; result: DnsResult; count: number }> {
  const out: Array<{ type: DnsTypeLabel; result: DnsResult; count: number }> = [];
  for (const type of DNS_TYPES) for (const result of DNS_RESULTS) out.push({ type, result, count: counts.get(`${type} ${result}`) ?? 0 });
  return out;
}
