// The Server page's queue card from the admin API's queue list: one page of one message per state (its
// total is the count) and the oldest message first (its createdAt gives the age of the oldest).
import type { QueuePage, QueueState } from '../api/types';

export const QUEUE_STATES = ['queued', 'deferred', 'held', 'in_flight'] as const satisfies readonly QueueState[];

export const QUEUE_STATE_LABELS: Record<QueueState, string> = { queued: 'Queued', deferred: 'Deferred', held: 'Held', in_flight: 'In flight' };

export interface QueueSummary {
  counts: Record<QueueState, number>;
  total: number;
  /** When the oldest message in the queue was accepted; null for an empty queue. */
  oldestCreatedAt: string | null;
}

/** `byState`: the list filtered by each state; `oldestFirst`: the unfiltered list sorted by `created`. */
export function summariseQueue(byState: Record<QueueState, Pick<QueuePage, 'total'>>, oldestFirst: Pick<QueuePage, 'total' | 'items'>): QueueSummary {
  const counts = Object.fromEntries(QUEUE_STATES.map((s) => [s, byState[s].total])) as Record<QueueState, number>;
  return { counts, total: oldestFirst.total, oldestCreatedAt: oldestFirst.items[0]?.createdAt ?? null };
}
