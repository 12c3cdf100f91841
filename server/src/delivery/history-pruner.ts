// Deletes the history (the trace) of messages that left the queue more than delivery.history_days ago.
// Runs when delivery starts and then every hour while it runs; the setting is read at each run, so a
// reload takes effect at the next one. On PostgreSQL every node prunes: the DELETE is the same whoever
// runs it, and a second run finds nothing.
import type { Config } from '../config/settings.ts';
import type { MessageHistoryStore } from '../store/history-store.ts';
import { logger, type Log } from '../telemetry/log.ts';

export const HISTORY_PRUNE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

export class HistoryPruner {
  private timer: NodeJS.Timeout | null = null;
  private readonly log: Log = logger('delivery');

  constructor(
    private readonly config: Config,
    private readonly store: MessageHistoryStore,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.prune();
    this.timer = setInterval(() => void this.prune(), HISTORY_PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Resolves with how many messages' history went; never rejects (the next run tries again). */
  async prune(now = Date.now()): Promise<number> {
    try {
      const removed = await this.store.pruneHistory(now - this.config['delivery.history_days'] * DAY_MS);
      if (removed > 0) this.log.debug({ messages: removed }, 'pruned message history');
      return removed;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'pruning the message history failed; the next run tries again');
      return 0;
    }
  }
}
