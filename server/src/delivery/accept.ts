// The way new mail enters Mailroom (SMTP, the admin API). The promise resolves only once the message
// is durable, so a caller may acknowledge it (SMTP 250, API 201) right after. Bounces are the one
// exception: they enter with the failure that causes them, in one transaction (see bounce.ts).
//
// Group commit: messages whose data ends in the same turn of the event loop go to the store as one
// batch, committed in one transaction with one fsync, and each caller hears back only after that
// commit. The SQLite store commits in a worker thread, which also merges the batches that arrive while
// it is busy, so SMTP keeps being served during an fsync and batches grow with the load. Local
// recipients are filed straight into their INBOX in that same transaction, so local mail costs one
// commit instead of three (enqueue, claim, deliver). See BENCHMARKS.md for what this buys.
import type { Store } from '../store/store.ts';
import type { AcceptanceTrace } from '../store/history-store.ts';
import { overQuotaRecipients } from './local-quota.ts';
import type { AcceptedMessage, MessageSource, NewMessage, NewRecipient } from '../store/types.ts';
import type { EventBus } from '../telemetry/events.ts';
import { newQueueId } from '../util/ids.ts';

export interface Envelope {
  sender: string;
  recipients: NewRecipient[];
  source: MessageSource;
  clientAddress?: string | undefined;
  authUser?: string | undefined;
  /** For the message history: the client's TLS, the scan's verdicts (the node and Message-ID are added here). */
  trace?: AcceptanceTrace | undefined;
}

interface Pending {
  message: NewMessage;
  resolve: (result: AcceptedMessage) => void;
  reject: (err: Error) => void;
}

/** Enough to share an fsync among all concurrent sessions without making one transaction huge. */
const MAX_BATCH_MESSAGES = 64;
/** Bounds the copy a batch makes on its way to the store's worker thread; a larger message goes alone. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

export class MessageIntake {
  private readonly listeners = new Set<() => void>();
  private pending: Pending[] = [];
  private flushScheduled = false;

  /**
   * @param fileLocalNow whether local recipients may be filed at acceptance; false while the server is
   *   stopped, so that delivery really pauses and injected mail waits in the queue like everything else.
   */
  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly fileLocalNow: () => boolean = () => true,
    /** This node's name for the message history (cluster.node_name). */
    private readonly node?: string,
  ) {}

  /** Called when accepted mail left something in the queue; the scheduler uses it to wake a worker. */
  onAccepted(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reserves a queue id before the content is final (the Received header names it). */
  newId(): string {
    return newQueueId();
  }

  async accept(id: string, envelope: Envelope, content: Buffer): Promise<string> {
    if (envelope.recipients.length === 0) throw new Error('a message needs at least one recipient');
    envelope = { ...envelope, trace: { ...envelope.trace, node: this.node, messageIdHeader: messageIdOf(content) } };
    // SMTP checked quotas before its 250; mail from elsewhere (the API, a POP3 fetch, bounces) that a full
    // mailbox cannot take goes through the queue, whose local delivery defers it (local-quota.ts).
    const viaQueue = envelope.source !== 'smtp' && envelope.source !== 'submission' && (await overQuotaRecipients(this.store, envelope.recipients, content.length)).length > 0;
    const result = viaQueue
      ? await this.queueOnly({ id, content, ...envelope })
      : await new Promise<AcceptedMessage>((resolve, reject) => {
          this.pending.push({ message: { id, content, ...envelope }, resolve, reject });
          if (!this.flushScheduled) {
            this.flushScheduled = true;
            // The next turn, so that messages whose data ends in this one join the batch.
            setImmediate(() => this.flush());
          }
        });
    // Bounces are our own output, not processed mail: hMailServer counts what clients handed over.
    if (envelope.source !== 'bounce') {
      this.events.emit('message.accepted', { id, source: envelope.source, size: content.length, recipients: envelope.recipients.length });
    }
    if (result.filed > 0) this.events.emit('delivery.finished', { destination: 'local', result: 'delivered', seconds: 0, recipients: result.filed });
    for (let i = 0; i < result.filed; i++) this.events.emit('delivery.final', { destination: 'local', result: 'delivered', seconds: 0 });
    return id;
  }

  /** One message into the queue, none of it filed at once. */
  private async queueOnly(message: NewMessage): Promise<AcceptedMessage> {
    const [result] = await this.store.acceptMessages([message], Date.now(), false);
    setImmediate(() => this.listeners.forEach((listener) => listener()));
    return result!;
  }

  /** Hands everything pending to the store at once; the store serialises the commits. */
  private flush(): void {
    this.flushScheduled = false;
    while (this.pending.length > 0) void this.commit(this.takeBatch());
  }

  private async commit(batch: Pending[]): Promise<void> {
    let queued = false;
    try {
      const results = await this.store.acceptMessages(
        batch.map((p) => p.message),
        Date.now(),
        this.fileLocalNow(),
      );
      batch.forEach((p, i) => p.resolve(results[i]!));
      queued = results.some((r) => r.queued > 0);
    } catch {
      // One bad message must not fail its neighbours: retry each on its own.
      for (const p of batch) {
        try {
          const [result] = await this.store.acceptMessages([p.message], Date.now(), this.fileLocalNow());
          p.resolve(result!);
          queued ||= result!.queued > 0;
        } catch (err) {
          p.reject(err as Error);
        }
      }
    }
    // After the replies: claiming work is another commit, and the 250s should not wait for it.
    if (queued) setImmediate(() => this.listeners.forEach((listener) => listener()));
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    while (count < this.pending.length && count < MAX_BATCH_MESSAGES) {
      bytes += this.pending[count]!.message.content.length;
      if (count > 0 && bytes > MAX_BATCH_BYTES) break;
      count++;
    }
    return this.pending.splice(0, count);
  }
}

/** Header fields end at the first empty line; a Message-ID further in is part of the body. */
const HEADER_SCAN_BYTES = 64 * 1024;

/** The Message-ID header's value without angle brackets, if the header section has one. */
export function messageIdOf(content: Buffer): string | undefined {
  const head = content.subarray(0, HEADER_SCAN_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const m = /^message-id:[ \t]*(?:\r?\n[ \t]+)?<?([^\s<>]+)>?/im.exec(end >= 0 ? head.slice(0, end) : head);
  return m ? m[1]!.slice(0, 998) : undefined;
}
