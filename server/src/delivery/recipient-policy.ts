// Who may send to whom on the MX and submission listeners. A recipient is accepted when its domain is
// local and the mailbox (account or alias) exists, or when the client may relay (authenticated, or in a
// trusted network). Everything else is refused: this is what keeps Mailroom from being an open relay.
import type { DirectoryStore } from '../store/store.ts';
import type { NewRecipient } from '../store/types.ts';
import type { RejectionReason } from '../telemetry/events.ts';
import { parseAddress } from '../util/address.ts';

export type RecipientDecision = { ok: true; recipient: NewRecipient } | { ok: false; code: number; message: string; reason: RejectionReason };

export interface ClientStanding {
  authenticated: boolean;
  trusted: boolean;
}

const MAX_ALIAS_DEPTH = 8;

/** Sub-addressing (RFC 5233): `delivery.recipient_delimiter` (null: off) and `delivery.file_by_tag`. */
export interface SubAddressing {
  delimiter: string | null;
  fileByTag: boolean;
}

export const SUB_ADDRESSING_OFF: SubAddressing = { delimiter: null, fileByTag: false };

export const subAddressingFrom = (config: { 'delivery.recipient_delimiter': string; 'delivery.file_by_tag': boolean }): SubAddressing => ({
  delimiter: config['delivery.recipient_delimiter'] === 'off' ? null : config['delivery.recipient_delimiter'],
  fileByTag: config['delivery.file_by_tag'],
});

export async function decideRecipient(raw: string, client: ClientStanding, directory: DirectoryStore, sub: SubAddressing = SUB_ADDRESSING_OFF): Promise<RecipientDecision> {
  const parsed = parseAddress(raw);
  if (!parsed) {
    return { ok: false, code: 553, message: `5.1.3 <${raw}>: Recipient address syntax not accepted`, reason: 'bad_address' };
  }
  // Most mail is for an account: one lookup settles it (an account exists only in a local domain;
  // removing the domain removes its accounts).
  const account = await directory.findAccount(parsed.normalized);
  if (account) return { ok: true, recipient: { address: account.address, destination: 'local', accountId: account.id } };
  if (await directory.isLocalDomain(parsed.domain)) {
    const target = (await resolveLocal(parsed.normalized, directory)) ?? (await resolveSubAddress(parsed.local, parsed.domain, directory, sub));
    if (target) return { ok: true, recipient: target };
    return { ok: false, code: 550, message: `5.1.1 <${parsed.normalized}>: Recipient address rejected: User unknown`, reason: 'unknown_user' };
  }
  if (client.authenticated || client.trusted) {
    return { ok: true, recipient: { address: parsed.normalized, destination: 'remote' } };
  }
  return { ok: false, code: 554, message: `5.7.1 <${parsed.normalized}>: Relay access denied`, reason: 'relay_denied' };
}

/**
 * `user+tag@domain` when no account or alias has the whole address: `user@domain` (an account, or an
 * alias followed as usual), filed into the folder `tag` when fileByTag is on (filing falls back to INBOX
 * when the account has no such folder). The tag starts at the first delimiter; neither part may be empty.
 */
async function resolveSubAddress(local: string, domain: string, directory: DirectoryStore, sub: SubAddressing): Promise<NewRecipient | null> {
  if (sub.delimiter === null || local.startsWith('"')) return null;
  const at = local.indexOf(sub.delimiter);
  if (at <= 0 || at === local.length - 1) return null;
  const base = `${local.slice(0, at)}@${domain}`;
  const tag = local.slice(at + 1);
  const account = await directory.findAccount(base);
  const target = account ? { address: account.address, destination: 'local' as const, accountId: account.id } : await resolveLocal(base, directory);
  if (!target) return null;
  return sub.fileByTag && target.destination === 'local' ? { ...target, folder: tag } : target;
}

/**
 * Follows aliases from a local address that is no account (the caller looked) to an account (local
 * delivery) or a foreign address (forwarding).
 */
async function resolveLocal(address: string, directory: DirectoryStore): Promise<NewRecipient | null> {
  let current = address;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const account = depth > 0 ? await directory.findAccount(current) : null;
    if (account) return { address: account.address, destination: 'local', accountId: account.id };
    const alias = await directory.findAlias(current);
    if (!alias) return null;
    const target = parseAddress(alias.target);
    if (!target) return null;
    if (!(await directory.isLocalDomain(target.domain))) return { address: target.normalized, destination: 'remote' };
    current = target.normalized;
  }
  return null;
}
