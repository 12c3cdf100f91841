// Greylisting triplets in PostgreSQL (greylist-store.ts says what they are). The row is created if missing
// and then locked (FOR UPDATE) before the decision, so two nodes seeing the same triplet at once take turns.
import type pg from 'pg';
import { greylistDecision, type GreylistPolicy, type GreylistStore, type GreylistVerdict } from '../greylist-store.ts';
import { transaction } from './pool.ts';

interface Row {
  first_seen: number;
  passed_at: number | null;
  last_seen: number;
  created: boolean;
}

export class PgGreylist implements GreylistStore {
  constructor(private readonly pool: pg.Pool) {}

  async checkGreylist(triplet: string, now: number, policy: GreylistPolicy): Promise<GreylistVerdict> {
    return transaction(this.pool, async (c) => {
      const inserted = await c.query('INSERT INTO greylist (triplet, first_seen, passed_at, last_seen) VALUES ($1, $2, NULL, $2) ON CONFLICT (triplet) DO NOTHING', [triplet, now]);
      if ((inserted.rowCount ?? 0) > 0) return greylistDecision(null, now, policy).verdict;
      const row = (await c.query<Omit<Row, 'created'>>('SELECT first_seen, passed_at, last_seen FROM greylist WHERE triplet = $1 FOR UPDATE', [triplet])).rows[0]!;
      const { verdict, write } = greylistDecision({ firstSeen: row.first_seen, passedAt: row.passed_at, lastSeen: row.last_seen }, now, policy);
      await c.query('UPDATE greylist SET first_seen = $2, passed_at = $3, last_seen = $4 WHERE triplet = $1', [triplet, write.firstSeen, write.passedAt, write.lastSeen]);
      return verdict;
    });
  }

  async pruneGreylist(now: number, policy: GreylistPolicy): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM greylist WHERE (passed_at IS NULL AND first_seen < $1) OR (passed_at IS NOT NULL AND last_seen < $2)', [
      now - policy.retryWindowMs,
      now - policy.passTtlMs,
    ]);
    return rowCount ?? 0;
  }
}
