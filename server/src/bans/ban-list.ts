// The bans in force, as every listener checks them at connect. The store is the truth (bans survive a
// restart); this keeps a copy in memory because the check runs for every connection, including the
// flood of connections a banned brute-forcer keeps making. Changes made here are visible at once; changes
// made from another process (`mailroom ban` on the same database) within REFRESH_MS, and at once when the
// store announces them (another node on PostgreSQL: store/change-feed.ts, then `reload`).
import type { Ban, BanReason, BanStore } from '../store/ban-store.ts';
import type { Log as Logger } from '../telemetry/log.ts';
import { canonicalIp, isLoopbackIp } from '../util/ip-address.ts';

/** How often the copy is re-read from the store (and expired rows pruned). */
export const REFRESH_MS = 5_000;

export class BanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BanError';
  }
}

export interface BanPolicy {
  /** Ban loopback addresses too (auth.ban_loopback). */
  loopback: boolean;
}

export class BanList {
  private bans = new Map<string, Ban>();
  private timer: NodeJS.Timeout | null = null;
  /** Bumped by every change made here, so a refresh that read the store before it is not applied. */
  private version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly banListeners = new Set<(address: string) => void>();

  constructor(
    private readonly store: BanStore,
    private readonly policy: BanPolicy,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((err: Error) => this.log.warn({ err: err.message }, 'reading bans failed')), REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Called after every ban added or lifted here (the self-test re-checks its ban warnings). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /**
   * Called with each address that becomes banned, here or (seen at the next refresh) from another
   * process; the service closes the address's open sessions. Not for loopback unless it is enforced.
   */
  onBanned(listener: (address: string) => void): void {
    this.banListeners.add(listener);
  }

  isBanned(ip: string, now = Date.now()): boolean {
    if (this.bans.size === 0) return false; // asked for every connection; usually nobody is banned
    const address = canonicalIp(ip);
    if (address === null) return false;
    const ban = this.bans.get(address);
    if (!ban || (ban.expiresAt !== null && ban.expiresAt <= now)) return false;
    // A ban on loopback stored while auth.ban_loopback was on is not enforced once it is off.
    return this.policy.loopback || !isLoopbackIp(address);
  }

  /** Loopback is refused unless auth.ban_loopback is on: local tools must not be locked out by mistake. */
  async ban(ip: string, reason: BanReason, durationSeconds: number | null, now = Date.now()): Promise<Ban> {
    const address = canonicalIp(ip);
    if (address === null) throw new BanError(`not an IP address: ${JSON.stringify(ip.slice(0, 64))}`);
    if (isLoopbackIp(address) && !this.policy.loopback) throw new BanError(`${address} is a loopback address; set auth.ban_loopback to ban it`);
    const ban: Ban = { address, reason, createdAt: now, expiresAt: durationSeconds === null ? null : now + durationSeconds * 1000 };
    // In memory first: the session whose failure caused the ban checks it right after.
    this.version++;
    this.bans.set(address, ban);
    this.banned(address);
    await this.store.addBan(ban);
    this.changed();
    return ban;
  }

  async unban(ip: string): Promise<boolean> {
    const address = canonicalIp(ip);
    if (address === null) return false;
    this.version++;
    this.bans.delete(address);
    const removed = await this.store.removeBan(address);
    this.changed();
    return removed;
  }

  list(now = Date.now()): Promise<Ban[]> {
    return this.store.listBans(now);
  }

  /** Re-reads the bans now (another node announced a change); a failure is logged, the poll retries. */
  reload(): void {
    void this.refresh().catch((err: Error) => this.log.warn({ err: err.message }, 'reading bans failed'));
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    const before = this.version;
    await this.store.pruneExpiredBans(now);
    const bans = await this.store.listBans(now);
    if (before !== this.version) return; // a change made meanwhile wins; the next refresh catches up
    const changed = bans.length !== this.bans.size || bans.some((b) => this.bans.get(b.address)?.expiresAt !== b.expiresAt);
    const added = bans.filter((b) => !this.bans.has(b.address)).map((b) => b.address);
    this.bans = new Map(bans.map((b) => [b.address, b]));
    for (const address of added) this.banned(address);
    if (changed) this.changed();
  }

  private banned(address: string): void {
    if (!this.isBanned(address)) return; // loopback while auth.ban_loopback is off
    for (const listener of this.banListeners) listener(address);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
