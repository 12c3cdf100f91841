// The node's shared mailbox views (mailbox-view.ts): one per selected mailbox, counted by the sessions
// holding it and dropped when the last one leaves. While a session on it idles, the view (not each
// session) is watched by mailbox-watcher.ts, so changes made by another process or node are seen within
// one poll and read once for every session.
import type { MailboxWatcher } from './mailbox-watcher.ts';
import { MailboxView, type ViewStore } from './mailbox-view.ts';

interface Entry {
  view: MailboxView;
  holders: number;
  unwatch: (() => void) | null;
}

export class MailboxViews {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly store: ViewStore,
    private readonly watcher: Pick<MailboxWatcher, 'watch'>,
  ) {}

  /** The view of a mailbox, current as of now; release it when done. */
  async acquire(mailboxId: number): Promise<MailboxView> {
    let entry = this.entries.get(mailboxId);
    // A deleted mailbox's view stays with its last holders; whoever comes next starts afresh.
    if (entry?.view.gone) {
      // Its holders release it later; the watch goes now, or nobody would ever stop it.
      entry.unwatch?.();
      this.entries.delete(mailboxId);
      entry = undefined;
    }
    if (!entry) this.entries.set(mailboxId, (entry = { view: new MailboxView(mailboxId, this.store), holders: 0, unwatch: null }));
    entry.holders++;
    try {
      await entry.view.refresh();
    } catch (err) {
      this.release(entry.view);
      throw err;
    }
    return entry.view;
  }

  release(view: MailboxView): void {
    const entry = this.entries.get(view.mailboxId);
    if (!entry || entry.view !== view) return;
    if (--entry.holders > 0) return;
    entry.unwatch?.();
    this.entries.delete(view.mailboxId);
  }

  /** IDLE: onChange after every change of the view; the first listener starts the watch, the last stops it. */
  listen(view: MailboxView, onChange: () => void): () => void {
    const entry = this.entries.get(view.mailboxId);
    const stop = view.listen(onChange);
    if (entry && entry.view === view && !entry.unwatch) {
      entry.unwatch = this.watcher.watch(view.mailboxId, view.version, () => void view.refresh().catch(() => undefined));
    }
    return () => {
      stop();
      if (entry && entry.view.listening === 0 && entry.unwatch) {
        entry.unwatch();
        entry.unwatch = null;
      }
    };
  }

  /** Mailboxes with a view in memory (tests, and to see that views are freed). */
  get size(): number {
    return this.entries.size;
  }

  has(mailboxId: number): boolean {
    return this.entries.has(mailboxId);
  }
}
