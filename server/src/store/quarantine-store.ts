// Quarantine: messages accepted but kept out of every mailbox because a virus was found in them
// (scan.virus_action = quarantine). An administrator lists them, looks at one, deletes it, or releases it
// to its original recipients through the delivery queue. A quarantined message keeps the queue id it was
// accepted under (its Received header names it), and keeps it when released.
import type { MessageSource, NewRecipient } from './types.ts';

export interface NewQuarantined {
  id: string;
  sender: string;
  /** As they were resolved at RCPT time (aliases followed), so a release goes where the message was going. */
  recipients: NewRecipient[];
  source: Exclude<MessageSource, 'bounce'>;
  clientAddress?: string | undefined;
  authUser?: string | undefined;
  /** Why it is here: only viruses for now. */
  reason: 'virus';
  /** The virus name as clamd reported it. */
  detail: string;
  content: Buffer;
}

export interface QuarantinedMessage extends Omit<NewQuarantined, 'content'> {
  size: number;
  createdAt: number;
}

export interface QuarantineStore {
  /** Keeps a message; resolves once it is durable (the SMTP 250 follows). */
  quarantine(message: NewQuarantined, now: number): Promise<void>;
  /** Newest first. */
  listQuarantine(request: { offset: number; limit: number }): Promise<{ total: number; items: QuarantinedMessage[] }>;
  getQuarantined(id: string): Promise<QuarantinedMessage | null>;
  readQuarantinedContent(id: string): Promise<Buffer | null>;
  /**
   * Moves the message into the delivery queue for its original recipients, due now, and out of the
   * quarantine, in one transaction: it can be neither lost nor released twice. False when there was no such
   * message (already released or deleted).
   */
  releaseQuarantined(id: string, now: number): Promise<boolean>;
  deleteQuarantined(id: string): Promise<boolean>;
}
