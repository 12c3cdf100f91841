// Bulk actions on selected queue messages go to Mailroom in one request (POST /api/v1/queue/bulk), which
// acts on each message alone and lists the ones it could not act on; this sums up the answer.

export type BulkAction = 'send-now' | 'hold' | 'release' | 'bounce' | 'remove';

export interface BulkResult {
  done: number;
  failed: Array<{ id: string; message: string }>;
}

const PAST: Record<BulkAction, string> = {
  'send-now': 'sent for delivery now',
  hold: 'held',
  release: 'released',
  bounce: 'bounced',
  remove: 'removed',
};

export function bulkSummary(action: BulkAction, r: BulkResult): string {
  const noun = (n: number) => (n === 1 ? 'message' : 'messages');
  let text = `${r.done} ${noun(r.done)} ${PAST[action]}.`;
  if (r.failed.length > 0) {
    const first = r.failed[0]!;
    text += ` ${r.failed.length} failed (${first.id}: ${first.message}${r.failed.length > 1 ? ', …' : ''}).`;
  }
  return text;
}
