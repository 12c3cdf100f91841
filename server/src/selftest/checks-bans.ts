// Ban warnings: a banned loopback address (possible only with auth.ban_loopback: local tools and webmail
// on this host are then locked out), and how many addresses are banned now (low: auto-ban doing its job,
// but worth a look when a customer cannot log in).
import { isLoopback } from '../config/validators.ts';
import type { BanStore } from '../store/ban-store.ts';
import type { Warning } from './warning.ts';

export function banWarnings(store: Pick<BanStore, 'listBans'>, loopbackEnforced: boolean): () => Promise<Warning[]> {
  return async () => {
    const bans = await store.listBans(Date.now());
    if (bans.length === 0) return [];
    const warnings: Warning[] = [];
    const loopback = bans.filter((b) => isLoopback(b.address));
    // A loopback ban left from when auth.ban_loopback was on is not enforced, so it locks nobody out.
    if (loopbackEnforced && loopback.length > 0) {
      warnings.push({
        id: 'loopback_banned',
        severity: 'high',
        message: `A loopback address is banned (${loopback.map((b) => b.address).join(', ')}): programs on this host (webmail, monitoring, scripts) cannot connect.`,
        remedy: 'Lift the ban (`mailroom ban remove 127.0.0.1` or DELETE /api/v1/bans/127.0.0.1) and fix whatever failed to log in; set auth.ban_loopback to false to never ban loopback.',
      });
    }
    warnings.push({
      id: 'addresses_banned',
      severity: 'low',
      message: `${bans.length} client address(es) are banned after repeated failed logins or by hand.`,
      remedy: 'Nothing to do for attackers. If a user is locked out, lift their ban (`mailroom ban list`, `mailroom ban remove ADDRESS`, or DELETE /api/v1/bans/ADDRESS) and check their password.',
    });
    return warnings;
  };
}
