// Checks of the logging pipeline: Loki pushes failing or dropping lines; debug logging left on.
import type { CategorySwitches } from '../telemetry/log-categories.ts';
import type { LokiClient } from '../telemetry/loki/index.ts';
import type { Warning } from './warning.ts';

/** Warns while Loki rejects or fails pushes, or has dropped lines since the last check. */
export function lokiWarnings(loki: LokiClient): () => Warning[] {
  let droppedBefore = 0;
  return () => {
    const s = loki.snapshot();
    const dropped = Object.values(s.droppedEntries).reduce((a, b) => a + b, 0);
    const newlyDropped = dropped - droppedBefore;
    droppedBefore = dropped;
    const failing = s.lastError !== undefined && (s.bufferedEntries > 0 || newlyDropped > 0);
    if (!failing && newlyDropped === 0) return [];
    return [
      {
        id: 'loki_push_failing',
        severity: 'medium',
        message: `Pushing logs to Loki is failing${s.lastError ? ` (${s.lastError})` : ''}: ${s.bufferedEntries} line(s) waiting, ${newlyDropped} dropped since the last check.`,
        remedy: 'Check that Loki is up and reachable at loki.url, and that the tenant and credentials are right; mailroom_loki_dropped_entries_total says why lines were dropped.',
      },
    ];
  };
}

export function debugCategoryWarnings(switches: CategorySwitches): Warning[] {
  if (!switches.enabled('debug')) return [];
  return [
    {
      id: 'debug_category_on',
      severity: 'low',
      message: 'The debug log category is on: logs grow fast and carry more detail than operations need.',
      remedy: 'Switch the debug category off on the Live log page or with PUT /api/v1/logging once troubleshooting is done.',
    },
  ];
}
