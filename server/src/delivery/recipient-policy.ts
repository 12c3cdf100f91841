// Who may send to whom on the MX and submission listeners. A recipient is accepted when its domain is
// local and the mailbox (account, alias or distribution list whose policy the sender passes) exists, or the
// domain has a catch-all, or when the client may relay (authenticated, or in a trusted network). Everything
// else is refused: this is what keeps Mailroom from being an open relay.
import type { DirectoryStore } from '../store/store.ts';
import type { NewRecipient } from '../store/types.ts';
import type { RejectionReason } from '../telemetry/events.ts';
import { parseAddress } from '../util/address.ts';
import { expandList, MAX_LIST_RECIPIENTS, senderMayPost, type ListLookup } from './list-expansion.ts';

export type RecipientDecision = { ok: true; recipients: NewRecipient[] } | { ok: false; code: number; message: string; reason: RejectionReason };

export interface ClientStanding {
  authenticated: boolean;
  trusted: boolean;
  /** The envelope sender, for lists open to their members only. */
  sender?: string | undefined;
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

export async function decideRecipient(raw: string, client: ClientStanding, directory: DirectoryStore & ListLookup, sub: SubAddressing = SUB_ADDRESSING_OFF): Promise<RecipientDecision> {
  const parsed = parseAddress(raw);
  if (!parsed) {
    return { ok: false, code: 553, message: `5.1.3 <${raw}>: Recipient address syntax not accepted`, reason: 'bad_address' };
  }
  // Most mail is for an account: one lookup settles it (an account exists only in a local domain;
  // removing the domain removes its accounts).
  const account = await directory.findAccount(parsed.normalized);
  if (account) return accepted({ address: account.address, destination: 'local', accountId: account.id });
  if (await directory.isLocalDomain(parsed.domain)) {
    // Accounts, aliases, lists and sub-addresses first; the catch-all only gets what none of them knows.
    const found = (await resolveLocal(parsed.normalized, client, directory)) ?? (await resolveSubAddress(parsed.local, parsed.domain, client, directory, sub));
    if (found) return found;
    const catchAll = await directory.findCatchAll(parsed.domain);
    const caught = catchAll ? await resolveTarget(catchAll, client, directory) : null;
    if (caught) return caught;
    return { ok: false, code: 550, message: `5.1.1 <${parsed.normalized}>: Recipient address rejected: User unknown`, reason: 'unknown_user' };
  }
  if (client.authenticated || client.trusted) {
    return accepted({ address: parsed.normalized, destination: 'remote' });
  }
  return { ok: false, code: 554, message: `5.7.1 <${parsed.normalized}>: Relay access denied`, reason: 'relay_denied' };
}

const accepted = (recipient: NewRecipient): RecipientDecision => ({ ok: true, recipients: [recipient] });

/**
 * `user+tag@domain` when no account or alias has the whole address: `user@domain` (an account, or an
 * alias followed as usual), filed into the folder `tag` when fileByTag is on (filing falls back to INBOX
 * when the account has no such folder). The tag starts at the first delimiter; neither part may be empty.
 */
async function resolveSubAddress(local: string, domain: string, client: ClientStanding, directory: DirectoryStore & ListLookup, sub: SubAddressing): Promise<RecipientDecision | null> {
  if (sub.delimiter === null || local.startsWith('"')) return null;
  const at = local.indexOf(sub.delimiter);
  if (at <= 0 || at === local.length - 1) return null;
  const base = `${local.slice(0, at)}@${domain}`;
  const tag = local.slice(at + 1);
  const account = await directory.findAccount(base);
  const target = account ? accepted({ address: account.address, destination: 'local' as const, accountId: account.id }) : await resolveLocal(base, client, directory);
  if (!target?.ok || !sub.fileByTag || target.recipients.length !== 1) return target;
  return accepted(target.recipients[0]!.destination === 'local' ? { ...target.recipients[0]!, folder: tag } : target.recipients[0]!);
}

/** A catch-all's target: any address, local (followed as usual) or foreign. */
async function resolveTarget(address: string, client: ClientStanding, directory: DirectoryStore & ListLookup): Promise<RecipientDecision | null> {
  const target = parseAddress(address);
  if (!target) return null;
  if (!(await directory.isLocalDomain(target.domain))) return accepted({ address: target.normalized, destination: 'remote' });
  const account = await directory.findAccount(target.normalized);
  if (account) return accepted({ address: account.address, destination: 'local', accountId: account.id });
  return resolveLocal(target.normalized, client, directory);
}

/**
 * Follows aliases from a local address that is no account (the caller looked) to an account (local
 * delivery), a distribution list (expanded when the sender passes its policy) or a foreign address
 * (forwarding).
 */
async function resolveLocal(address: string, client: ClientStanding, directory: DirectoryStore & ListLookup): Promise<RecipientDecision | null> {
  let current = address;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const account = depth > 0 ? await directory.findAccount(current) : null;
    if (account) return accepted({ address: account.address, destination: 'local', accountId: account.id });
    const list = await directory.findList(current);
    if (list) return decideList(list, client, directory);
    const alias = await directory.findAlias(current);
    if (!alias) return null;
    const target = parseAddress(alias.target);
    if (!target) return null;
    if (!(await directory.isLocalDomain(target.domain))) return accepted({ address: target.normalized, destination: 'remote' });
    current = target.normalized;
  }
  return null;
}

async function decideList(list: Parameters<typeof expandList>[0], client: ClientStanding, directory: DirectoryStore & ListLookup): Promise<RecipientDecision> {
  if (!senderMayPost(list, client.sender, client.authenticated)) {
    const who = list.policy === 'members' ? 'its members' : 'authenticated senders';
    return { ok: false, code: 550, message: `5.7.1 <${list.address}>: Recipient address rejected: this list accepts mail from ${who} only`, reason: 'sender_denied' };
  }
  const expansion = await expandList(list, directory);
  if (!expansion.ok) {
    return { ok: false, code: 550, message: `5.5.3 <${list.address}>: Recipient address rejected: the list has more than ${MAX_LIST_RECIPIENTS} recipients`, reason: 'too_many_recipients' };
  }
  if (expansion.recipients.length === 0) {
    return { ok: false, code: 550, message: `5.1.1 <${list.address}>: Recipient address rejected: the list has no member that can receive mail`, reason: 'unknown_user' };
  }
  return { ok: true, recipients: expansion.recipients };
}
