// Banned client addresses in SQLite. Expired rows are ignored by every read and pruned from time to time.
import type { Ban, BanStore } from '../ban-store.ts';
import { stmt, type Db } from './open.ts';

interface Row {
  address: string;
  reason: Ban['reason'];
  created_at: number;
  expires_at: number | null;
}

const toBan = (r: Row): Ban => ({ address: r.address, reason: r.reason, createdAt: r.created_at, expiresAt: r.expires_at });
const ACTIVE = '(expires_at IS NULL OR expires_at > ?)';

export class SqliteBans implements BanStore {
  constructor(private readonly db: Db) {}

  async addBan(ban: Ban): Promise<void> {
    stmt(this.db, 'INSERT OR REPLACE INTO bans (address, reason, created_at, expires_at) VALUES (?, ?, ?, ?)').run(ban.address, ban.reason, ban.createdAt, ban.expiresAt);
  }

  async removeBan(address: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM bans WHERE address = ?').run(address).changes > 0;
  }

  async listBans(now: number): Promise<Ban[]> {
    return (stmt(this.db, `SELECT * FROM bans WHERE ${ACTIVE} ORDER BY created_at, address`).all(now) as Row[]).map(toBan);
  }

  async countActiveBans(now: number): Promise<number> {
    return stmt(this.db, `SELECT COUNT(*) FROM bans WHERE ${ACTIVE}`).pluck().get(now) as number;
  }

  async pruneExpiredBans(now: number): Promise<number> {
    return stmt(this.db, 'DELETE FROM bans WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes;
  }
}
