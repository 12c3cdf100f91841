// Remembers successful password checks for a short time (auth.cache_ttl_seconds), as Dovecot's auth_cache
// does, so a client that logs in again and again (phones, imaptest, webmail) does not pay scrypt each time.
// Entries are keyed by an HMAC of user and password under a key made at start and never stored, so memory
// holds no password and nothing from which one can be tested offline without that key. Failures are never
// remembered. An entry is used only while the account's stored hash is the one it was checked against
// (read from the store at every login anyway): a password change or removal, on this node or any other
// sharing the PostgreSQL store, ends it at the next login, not after the TTL.
import { createHmac, randomBytes } from 'node:crypto';

/** Enough for every active user of a large node; the oldest entry goes first beyond it. */
const MAX_ENTRIES = 50_000;

interface Entry {
  accountId: number;
  passwordHash: string;
  expiresAt: number;
}

export class LoginCache {
  private readonly key = randomBytes(32);
  private readonly entries = new Map<string, Entry>();
  /** Logins answered from the cache since start (tests and benchmarks read it). */
  hits = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private keyOf(user: string, password: string): string {
    return createHmac('sha256', this.key).update(user.toLowerCase()).update('\0').update(password).digest('base64');
  }

  /** Whether this user and password were verified against exactly this stored hash within the TTL. */
  has(user: string, password: string, account: { id: number; passwordHash: string }): boolean {
    const k = this.keyOf(user, password);
    const entry = this.entries.get(k);
    if (!entry) return false;
    if (entry.expiresAt <= this.now() || entry.accountId !== account.id || entry.passwordHash !== account.passwordHash) {
      this.entries.delete(k);
      return false;
    }
    this.hits++;
    return true;
  }

  remember(user: string, password: string, account: { id: number; passwordHash: string }, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    const k = this.keyOf(user, password);
    this.entries.delete(k);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(k, { accountId: account.id, passwordHash: account.passwordHash, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  get size(): number {
    return this.entries.size;
  }
}
