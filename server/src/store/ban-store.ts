// Banned client addresses (hMailServer's auto-ban): refused at connect by every listener until the ban
// expires or is removed. Kept in the store so a restart does not lift them.

export type BanReason = 'auto' | 'manual';

export interface Ban {
  /** One IP address in its canonical text form (IPv4-mapped IPv6 written as IPv4). */
  address: string;
  reason: BanReason;
  createdAt: number;
  /** null: until removed by hand. */
  expiresAt: number | null;
}

export interface BanStore {
  /** Adds a ban, or replaces the one on that address (a new ban restarts its clock). */
  addBan(ban: Ban): Promise<void>;
  removeBan(address: string): Promise<boolean>;
  /** Bans in force at `now`, oldest first. */
  listBans(now: number): Promise<Ban[]>;
  countActiveBans(now: number): Promise<number>;
  /** Deletes expired bans; returns how many. */
  pruneExpiredBans(now: number): Promise<number>;
}
