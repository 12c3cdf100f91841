// Greylisting triplets in SQLite (greylist-store.ts says what they are). Read and written in one
// immediate transaction, so two sessions with the same triplet at once cannot both count as the first.
import { greylistDecision, type GreylistPolicy, type GreylistStore, type GreylistVerdict } from '../greylist-store.ts';
import { stmt, type Db } from './open.ts';

interface Row {
  first_seen: number;
  passed_at: number | null;
  last_seen: number;
}

export class SqliteGreylist implements GreylistStore {
  constructor(private readonly db: Db) {}

  async checkGreylist(triplet: string, now: number, policy: GreylistPolicy): Promise<GreylistVerdict> {
    return this.db
      .transaction(() => {
        const row = stmt(this.db, 'SELECT first_seen, passed_at, last_seen FROM greylist WHERE triplet = ?').get(triplet) as Row | undefined;
        const { verdict, write } = greylistDecision(row ? { firstSeen: row.first_seen, passedAt: row.passed_at, lastSeen: row.last_seen } : null, now, policy);
        stmt(this.db, 'INSERT OR REPLACE INTO greylist (triplet, first_seen, passed_at, last_seen) VALUES (?, ?, ?, ?)').run(triplet, write.firstSeen, write.passedAt, write.lastSeen);
        return verdict;
      })
      .immediate();
  }

  async pruneGreylist(now: number, policy: GreylistPolicy): Promise<number> {
    return stmt(this.db, 'DELETE FROM greylist WHERE (passed_at IS NULL AND first_seen < ?) OR (passed_at IS NOT NULL AND last_seen < ?)').run(now - policy.retryWindowMs, now - policy.passTtlMs)
      .changes;
  }
}
