// SPF, DKIM, DMARC and ARC for mail arriving on the MX listener, with mailauth 4.x (5.x needs Node 22),
// every DNS question through our resolver (dns/). The outcome: the Authentication-Results and Received-SPF
// fields to put on the message (any forged field carrying our authserv-id removed: RFC 8601 section 5),
// and what the sender's DMARC policy asks for, as smtp.dmarc_policy lets it: refuse with 550 5.7.1, file
// into Junk, or deliver. A DNS failure makes a check `temperror`; the message is then accepted unless
// smtp.sender_auth_temperror says tempfail (451 4.4.3, the sender retries).
import { authenticate } from 'mailauth';
import type { Config } from '../config/settings.ts';
import { dnsFor, type DnsResolver } from '../dns/resolver.ts';
import { removeForgedResults } from './authentication-results.ts';
import { countAuthCheck } from './stats.ts';

export interface SenderAuthInput {
  /** The message as the client sent it (our Received header not yet added). */
  message: Buffer;
  clientAddress: string;
  helo: string;
  /** MAIL FROM; empty for the null sender. */
  mailFrom: string;
}

export interface SenderAuthResults {
  spf: string;
  dkim: string[];
  dmarc: string;
  arc: string;
  /** The policy of the From domain when DMARC failed (reject, quarantine, none), else null. */
  dmarcPolicy: string | null;
}

export type SenderAuthVerdict =
  /** Deliver `content` (our header fields in front, forged ones removed), to Junk when `junk`. */
  | { kind: 'deliver'; content: Buffer; junk: boolean; results: SenderAuthResults }
  | { kind: 'refuse'; code: number; message: string; reason: 'dmarc_reject' | 'auth_temperror'; results: SenderAuthResults };

export interface SenderAuthSettings {
  hostname: string;
  dmarcPolicy: Config['smtp.dmarc_policy'];
  temperror: Config['smtp.sender_auth_temperror'];
}

export class SenderAuth {
  constructor(
    private readonly dns: DnsResolver,
    private readonly settings: SenderAuthSettings,
  ) {}

  async check(input: SenderAuthInput): Promise<SenderAuthVerdict> {
    const result = await authenticate(input.message, {
      ip: input.clientAddress.replace(/^::ffff:(?=\d+\.)/, ''),
      helo: input.helo,
      sender: input.mailFrom,
      mta: this.settings.hostname,
      // mailauth throws Node-style errors on (code ENOTFOUND, ENODATA, ETIMEOUT...): DnsError keeps the code.
      resolver: (name: string, type: string) => this.dns.resolve(name, type) as Promise<string[][] | string[]>,
      disableBimi: true,
    });
    const results: SenderAuthResults = {
      spf: result.spf ? result.spf.status.result : 'none',
      dkim: result.dkim.results.map((r) => r.status.result),
      dmarc: result.dmarc ? result.dmarc.status.result : 'none',
      arc: result.arc ? result.arc.status.result : 'none',
      dmarcPolicy: result.dmarc && result.dmarc.status.result === 'fail' ? result.dmarc.policy : null,
    };
    countAuthCheck('spf', results.spf);
    for (const dkim of results.dkim.length > 0 ? results.dkim : ['none']) countAuthCheck('dkim', dkim);
    countAuthCheck('dmarc', results.dmarc);
    countAuthCheck('arc', results.arc);

    if (this.settings.temperror === 'tempfail' && [results.spf, results.dmarc, ...results.dkim].includes('temperror')) {
      return { kind: 'refuse', code: 451, message: '4.4.3 Sender authentication could not be checked (DNS), try again later', reason: 'auth_temperror', results };
    }
    const policy = this.settings.dmarcPolicy;
    if (results.dmarcPolicy === 'reject' && policy === 'follow') {
      return { kind: 'refuse', code: 550, message: '5.7.1 Message rejected by the DMARC policy of its From domain', reason: 'dmarc_reject', results };
    }
    const junk = policy !== 'none' && (results.dmarcPolicy === 'quarantine' || results.dmarcPolicy === 'reject');
    const { content } = removeForgedResults(input.message, this.settings.hostname);
    return { kind: 'deliver', content: Buffer.concat([Buffer.from(result.headers, 'utf8'), content]), junk, results };
  }
}

/** The checks as the settings configure them, asking the server's resolver. */
export function senderAuthFor(config: Config): SenderAuth {
  return new SenderAuth(dnsFor(config), { hostname: config.hostname, dmarcPolicy: config['smtp.dmarc_policy'], temperror: config['smtp.sender_auth_temperror'] });
}
