// Distribution lists at acceptance (store/list-store.ts): the list's members become the message's
// recipients, so local members are filed in the same durable transaction as any local recipient and remote
// members are queued like forwarded mail. Each list is followed once, so a list that contains itself,
// directly or through another list, ends instead of looping, and an address reached twice is delivered once.
import type { DirectoryStore } from '../store/store.ts';
import type { DistributionList, ListStore } from '../store/list-store.ts';
import type { NewRecipient } from '../store/types.ts';
import { parseAddress } from '../util/address.ts';

export type ListLookup = Pick<ListStore, 'findList' | 'findCatchAll'>;

/**
 * At most this many recipients from one list, nested lists included: past it the RCPT is refused (550 5.5.3)
 * rather than silently cutting the list short. hMailServer has no bound; ours keeps one RCPT from turning
 * into an unbounded queue entry.
 */
export const MAX_LIST_RECIPIENTS = 1000;

const MAX_ALIAS_DEPTH = 8;

export type Expansion = { ok: true; recipients: NewRecipient[] } | { ok: false; tooMany: true };

export async function expandList(list: DistributionList, directory: DirectoryStore & ListLookup): Promise<Expansion> {
  const seenLists = new Set<string>([list.address.toLowerCase()]);
  const pending: DistributionList[] = [list];
  const out = new Map<string, NewRecipient>();
  for (let current = pending.shift(); current; current = pending.shift()) {
    for (const member of current.members) {
      const resolved = await resolveMember(member, directory);
      if (!resolved) continue; // an unknown local address: nothing to deliver to, the rest still get it
      if ('list' in resolved) {
        const key = resolved.list.address.toLowerCase();
        if (!seenLists.has(key)) {
          seenLists.add(key);
          pending.push(resolved.list);
        }
        continue;
      }
      out.set(resolved.address.toLowerCase(), resolved);
      if (out.size > MAX_LIST_RECIPIENTS) return { ok: false, tooMany: true };
    }
  }
  return { ok: true, recipients: [...out.values()] };
}

/** A member: an account, an alias followed to its end, another list, or a foreign address. */
async function resolveMember(address: string, directory: DirectoryStore & ListLookup): Promise<NewRecipient | { list: DistributionList } | null> {
  let current = address;
  for (let depth = 0; depth < MAX_ALIAS_DEPTH; depth++) {
    const parsed = parseAddress(current);
    if (!parsed) return null;
    if (!(await directory.isLocalDomain(parsed.domain))) return { address: parsed.normalized, destination: 'remote' };
    const account = await directory.findAccount(parsed.normalized);
    if (account) return { address: account.address, destination: 'local', accountId: account.id };
    const list = await directory.findList(parsed.normalized);
    if (list) return { list };
    const alias = await directory.findAlias(parsed.normalized);
    if (!alias) return null;
    current = alias.target;
  }
  return null;
}

/** Whether the sender may write to the list: the list's own policy only (nested lists are the owner's choice). */
export function senderMayPost(list: DistributionList, sender: string | undefined, authenticated: boolean): boolean {
  if (list.policy === 'anyone') return true;
  if (list.policy === 'authenticated') return authenticated;
  return sender !== undefined && list.members.includes(sender.toLowerCase());
}
