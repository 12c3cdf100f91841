// Banned client addresses in PostgreSQL. Expired rows are ignored by every read and pruned from time to time.
import type pg from 'pg';
import type { Ban, BanStore } from '../ban-store.ts';
import { announce } from './change-feed.ts';
import { transaction } from './pool.ts';

interface Row {
  address: string;
  reason: Ban['reason'];
  created_at: number;
  expires_at: number | null;
}

const toBan = (r: Row): Ban => ({ address: r.address, reason: r.reason, createdAt: r.created_at, expiresAt: r.expires_at });
const ACTIVE = '(expires_at IS NULL OR expires_at > $1)';

export class PgBans implements BanStore {
  constructor(private readonly pool: pg.Pool) {}

  // Every node keeps the bans in memory (bans/ban-list.ts): a change is announced so they re-read at once.
  async addBan(ban: Ban): Promise<void> {
    await transaction(this.pool, async (c) => {
      await c.query(
        `INSERT INTO bans (address, reason, created_at, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at, expires_at = excluded.expires_at`,
        [ban.address, ban.reason, ban.createdAt, ban.expiresAt],
      );
      await announce(c, 'bans');
    });
  }

  async removeBan(address: string): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      const removed = ((await c.query('DELETE FROM bans WHERE address = $1', [address])).rowCount ?? 0) > 0;
      if (removed) await announce(c, 'bans');
      return removed;
    });
  }

  async listBans(now: number): Promise<Ban[]> {
    return (await this.pool.query<Row>(`SELECT * FROM bans WHERE ${ACTIVE} ORDER BY created_at, address COLLATE "C"`, [now])).rows.map(toBan);
  }

  async countActiveBans(now: number): Promise<number> {
    return (await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM bans WHERE ${ACTIVE}`, [now])).rows[0]!.n;
  }

  async pruneExpiredBans(now: number): Promise<number> {
    return (await this.pool.query('DELETE FROM bans WHERE expires_at IS NOT NULL AND expires_at <= $1', [now])).rowCount ?? 0;
  }
}
