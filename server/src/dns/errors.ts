// What a failed lookup means for the caller. The name does not exist, or has no record of the type asked
// (NXDOMAIN, NODATA): permanent, asking again gives the same answer. Anything else (no answer in time,
// SERVFAIL, REFUSED, an unreadable answer): temporary, the next attempt may succeed.

/** Why a lookup failed; also the `result` label of mailroom_dns_queries_total (with `answer`). */
export const DNS_FAILURES = ['nxdomain', 'nodata', 'timeout', 'servfail', 'refused', 'error'] as const;
export type DnsFailure = (typeof DNS_FAILURES)[number];

export class DnsError extends Error {
  constructor(
    readonly domain: string,
    readonly type: string,
    readonly failure: DnsFailure,
    /** Node's code (ENOTFOUND, ETIMEOUT, ...), kept for logs. */
    readonly code: string,
  ) {
    super(`DNS ${type} ${domain}: ${describe(failure)}`);
    this.name = 'DnsError';
  }

  /** True when asking again cannot help: the name or the record type does not exist. */
  get permanent(): boolean {
    return this.failure === 'nxdomain' || this.failure === 'nodata';
  }
}

/** Node's c-ares error codes by meaning. EBADNAME (a name that cannot be asked, such as one with an empty label) cannot exist either. */
export function failureOf(code: string | undefined): DnsFailure {
  switch (code) {
    case 'ENOTFOUND':
    case 'EBADNAME':
      return 'nxdomain';
    case 'ENODATA':
      return 'nodata';
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return 'timeout';
    case 'ESERVFAIL':
      return 'servfail';
    case 'EREFUSED':
    case 'ECONNREFUSED':
      return 'refused';
    default:
      return 'error';
  }
}

function describe(failure: DnsFailure): string {
  switch (failure) {
    case 'nxdomain':
      return 'no such domain';
    case 'nodata':
      return 'no record of this type';
    case 'timeout':
      return 'no answer in time';
    case 'servfail':
      return 'server failure (SERVFAIL)';
    case 'refused':
      return 'refused by the DNS server';
    default:
      return 'unreadable answer or resolver error';
  }
}
