// Greylisting on the MX listener (smtp.greylisting): the triplet of client network, sender and recipient,
// checked in the store (store/greylist-store.ts) for each recipient that would otherwise be accepted.
// The client's network rather than its address (IPv4 /24, IPv6 /64): large senders retry from another
// address of the same pool, and greylisting by address would defer them again and again.
import ipaddr from 'ipaddr.js';
import type { Config } from '../config/settings.ts';
import type { GreylistPolicy, GreylistStore, GreylistVerdict } from '../store/greylist-store.ts';

/** A first attempt not retried within two days is forgotten (RFC 6647 suggests at least a day). */
const RETRY_WINDOW_MS = 2 * 24 * 3600 * 1000;
/** Triplets are pruned from the store at most this often. */
const PRUNE_EVERY_MS = 3600 * 1000;

export function clientNetwork(address: string): string {
  try {
    const ip = ipaddr.process(address);
    if (ip.kind() === 'ipv4') return `${ip.toString().split('.').slice(0, 3).join('.')}.0/24`;
    return `${(ip as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
  } catch {
    return address;
  }
}

export const triplet = (clientAddress: string, sender: string, recipient: string): string => `${clientNetwork(clientAddress)}|${sender.toLowerCase() || '<>'}|${recipient.toLowerCase()}`;

export class Greylisting {
  private lastPrune = 0;

  constructor(
    private readonly store: GreylistStore,
    private readonly config: Config,
  ) {}

  private get policy(): GreylistPolicy {
    return { delayMs: this.config['smtp.greylist_delay_seconds'] * 1000, retryWindowMs: RETRY_WINDOW_MS, passTtlMs: this.config['smtp.greylist_pass_days'] * 24 * 3600 * 1000 };
  }

  async check(clientAddress: string, sender: string, recipient: string, now = Date.now()): Promise<GreylistVerdict> {
    const policy = this.policy;
    const verdict = await this.store.checkGreylist(triplet(clientAddress, sender, recipient), now, policy);
    if (now - this.lastPrune > PRUNE_EVERY_MS) {
      this.lastPrune = now;
      void this.store.pruneGreylist(now, policy).catch(() => undefined); // the next hour tries again
    }
    return verdict;
  }
}
