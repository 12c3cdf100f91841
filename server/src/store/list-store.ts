// Distribution lists (hMailServer's) and the catch-all of a local domain. A list is an address of a local
// domain whose mail goes to every member; a member is any address, local or remote, and may be another
// list (delivery/list-expansion.ts follows those once each, so a loop ends). Who may send to a list is its
// policy: anyone, its members only (by envelope sender), or authenticated clients only.

export type ListSenderPolicy = 'anyone' | 'members' | 'authenticated';

export const LIST_SENDER_POLICIES: readonly ListSenderPolicy[] = ['anyone', 'members', 'authenticated'];

export interface DistributionList {
  address: string;
  policy: ListSenderPolicy;
  /** Lower-case addresses, sorted. */
  members: string[];
  createdAt: number;
}

export interface ListStore {
  /** StoreError 'invalid' when the domain is not local, 'conflict' when the address is an account, alias or list. */
  addList(address: string, policy: ListSenderPolicy, createdAt: number): Promise<void>;
  removeList(address: string): Promise<boolean>;
  setListPolicy(address: string, policy: ListSenderPolicy): Promise<boolean>;
  /** StoreError 'not_found' when there is no such list; false when the member was there already. */
  addListMember(list: string, member: string): Promise<boolean>;
  removeListMember(list: string, member: string): Promise<boolean>;
  listLists(): Promise<DistributionList[]>;
  findList(address: string): Promise<DistributionList | null>;

  /** The address that gets mail for unknown local parts of a domain; null removes it. StoreError 'not_found' for a domain that is not local. */
  setCatchAll(domain: string, target: string | null): Promise<void>;
  findCatchAll(domain: string): Promise<string | null>;
  /** Domains that have a catch-all, by name. */
  listCatchAlls(): Promise<Array<{ domain: string; target: string }>>;
}
