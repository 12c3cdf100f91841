// The way new mail enters the queue (SMTP, the admin API). The promise resolves only once the message
// is durable, so a caller may acknowledge it (SMTP 250, API 201) right after. Bounces are the one
// exception: they enter with the failure that causes them, in one transaction (see bounce.ts).
import type { Store } from '../store/store.ts';
import type { MessageSource, NewRecipient } from '../store/types.ts';
import type { EventBus } from '../telemetry/events.ts';
import { newQueueId } from '../util/ids.ts';

export interface Envelope {
  sender: string;
  recipients: NewRecipient[];
  source: MessageSource;
  clientAddress?: string | undefined;
  authUser?: string | undefined;
}

export class MessageIntake {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
  ) {}

  /** Called after every accepted message; the scheduler uses it to wake a worker at once. */
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
    await this.store.enqueue({ id, content, ...envelope });
    // Bounces are our own output, not processed mail: hMailServer counts what clients handed over.
    if (envelope.source !== 'bounce') {
      this.events.emit('message.accepted', { id, source: envelope.source, size: content.length, recipients: envelope.recipients.length });
    }
    for (const listener of this.listeners) listener();
    return id;
  }
}
