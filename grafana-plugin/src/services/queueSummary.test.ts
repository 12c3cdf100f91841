import { describe, expect, it } from 'vitest';
import { summariseQueue } from './queueSummary';

describe('summariseQueue', () => {
  it('counts by state from each filtered total and takes the oldest from the list sorted by creation', () => {
    const summary = summariseQueue(
      { queued: { total: 2 }, deferred: { total: 7 }, held: { total: 1 }, in_flight: { total: 0 } },
      {
        total: 10,
        items: [{ createdAt: '2025-11-28T10:00:00.000Z' } as never],
      },
    );
    expect(summary).toEqual({ counts: { queued: 2, deferred: 7, held: 1, in_flight: 0 }, total: 10, oldestCreatedAt: '2025-11-28T10:00:00.000Z' });
  });

  it('has no oldest message when the queue is empty', () => {
    const none = { total: 0 };
    expect(summariseQueue({ queued: none, deferred: none, held: none, in_flight: none }, { total: 0, items: [] }).oldestCreatedAt).toBeNull();
  });
});
