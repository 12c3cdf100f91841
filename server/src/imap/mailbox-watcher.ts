// Tells IDLE sessions when their mailbox changed. One timer for the whole listener reads the change
// counters (uid_next, modseq) of every watched mailbox in a single query, so the cost does not grow
// with the number of idling clients, and changes made by any writer (local delivery, other sessions,
// another process such as the CLI) are seen within one interval without anyone having to notify us.
import type { Log as Logger } from '../telemetry/log.ts';
import type { MailboxStore, MailboxVersion } from '../store/mailbox-store.ts';

interface Watch {
  /** The counters the watcher last knew, "gone" once the mailbox was deleted. */
  known: string;
  onChange: () => void;
}

const keyOf = (v: MailboxVersion | undefined) => (v ? `${v.uidNext}:${v.modseq}` : 'gone');

export class MailboxWatcher {
  private readonly watches = new Map<number, Set<Watch>>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly store: Pick<MailboxStore, 'mailboxVersions'>,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Calls onChange when the counters differ from `since` (and from then on, from the last call). */
  watch(mailboxId: number, since: MailboxVersion, onChange: () => void): () => void {
    let set = this.watches.get(mailboxId);
    if (!set) this.watches.set(mailboxId, (set = new Set()));
    const entry: Watch = { known: keyOf(since), onChange };
    set.add(entry);
    this.timer ??= setInterval(() => void this.poll(), this.intervalMs).unref();
    return () => {
      set.delete(entry);
      if (set.size === 0) this.watches.delete(mailboxId);
      if (this.watches.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  private async poll(): Promise<void> {
    if (this.polling || this.watches.size === 0) return;
    this.polling = true;
    try {
      const versions = await this.store.mailboxVersions([...this.watches.keys()]);
      for (const [id, set] of this.watches) {
        const key = keyOf(versions.get(id));
        for (const entry of set) {
          if (entry.known === key) continue;
          entry.known = key;
          entry.onChange();
        }
      }
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'reading mailbox change counters failed');
    } finally {
      this.polling = false;
    }
  }
}
