// Messages per state from queue_state_counts (migrations-queue-listing.ts): the sum of every backend's
// rows. Rows of backends that have gone are folded into slot 0 once they pile up, so the sum stays a
// few rows; a live backend's rows are never touched here (it may be adding to them right now).
import type { QueueState } from '../types.ts';
import type { Queryable } from './pool.ts';

/** Rows past which the ones of gone backends are folded (a node's pool is 10 backends, 4 states each). */
const FOLD_AFTER_ROWS = 400;

export async function readQueueCounts(db: Queryable): Promise<Record<QueueState, number>> {
  const byState: Record<QueueState, number> = { queued: 0, deferred: 0, held: 0, in_flight: 0 };
  const { rows } = await db.query<{ state: QueueState; n: number; slots: number }>('SELECT state, sum(messages)::int AS n, count(*)::int AS slots FROM queue_state_counts GROUP BY state');
  for (const row of rows) byState[row.state] = row.n;
  if (rows.reduce((n, r) => n + r.slots, 0) > FOLD_AFTER_ROWS) await foldGoneBackends(db);
  return byState;
}

/** Folds the rows of backends no longer connected into slot 0, in one statement. */
export async function foldGoneBackends(db: Queryable): Promise<void> {
  await db.query(
    `WITH gone AS (
       DELETE FROM queue_state_counts c WHERE c.slot <> 0 AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.slot)
       RETURNING state, messages
     )
     INSERT INTO queue_state_counts (state, slot, messages) SELECT state, 0, sum(messages) FROM gone GROUP BY state ORDER BY state
     ON CONFLICT (state, slot) DO UPDATE SET messages = queue_state_counts.messages + EXCLUDED.messages`,
  );
}
