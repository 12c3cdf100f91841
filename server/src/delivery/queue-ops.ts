// Queue operations as the admin API calls them (hMailServer's delivery queue actions): list a snapshot,
// show one, read its content, send now, hold, release, bounce, remove and clear. All are safe while
// deliveries run: a message in flight finishes its attempt, and its outcome is then ignored if removed.
import type { QueuePage, Store } from '../store/store.ts';
import type { QueueFilter, QueueListRequest, QueueMessage } from '../store/types.ts';
import type { DeliveryScheduler } from './scheduler.ts';

export class QueueOperations {
  constructor(
    private readonly store: Store,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  list(request: QueueListRequest): Promise<QueuePage> {
    return this.store.listQueue(request, Date.now());
  }

  get(id: string): Promise<QueueMessage | null> {
    return this.store.getQueueMessage(id);
  }

  content(id: string): Promise<Buffer | null> {
    return this.store.readContent(id);
  }

  /** Makes the message due now and wakes a free worker (or the next one to come free). */
  async sendNow(id: string): Promise<boolean> {
    const changed = await this.store.sendNow({ id }, Date.now());
    this.scheduler.wake();
    return changed > 0;
  }

  async sendNowMatching(filter: QueueFilter): Promise<number> {
    const changed = await this.store.sendNow(filter, Date.now());
    this.scheduler.wake();
    return changed;
  }

  hold(id: string): Promise<boolean> {
    return this.store.setHeld(id, true);
  }

  async release(id: string): Promise<boolean> {
    const ok = await this.store.setHeld(id, false);
    this.scheduler.wake();
    return ok;
  }

  /** Gives up on a message now: its pending recipients fail and the sender gets a DSN. */
  async bounce(id: string, reason = 'delivery cancelled by the administrator'): Promise<boolean> {
    const message = await this.store.getQueueMessage(id);
    const content = await this.store.readContent(id);
    if (!message || !content) return false;
    const build = await this.scheduler.prepareBounce({ messageId: id, sender: message.sender, createdAt: message.createdAt }, content);
    const failed = await this.store.failMessage(id, reason, (rcpts) => build(rcpts.map((r) => ({ address: r.address, error: `5.0.0 ${reason}`, expired: false }))));
    if (failed.length === 0) return false;
    this.scheduler.wake();
    return true;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.store.removeMessages({ id })) > 0;
  }

  /** Removes every message, or only those matching the filter. */
  clear(filter: QueueFilter = {}): Promise<number> {
    return this.store.removeMessages(filter);
  }
}
