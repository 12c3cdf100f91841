// Plain data shapes that cross the Store interface.
import type { AcceptanceTrace, AttemptDetail } from './history-store.ts';

export type RecipientState = 'queued' | 'in_flight' | 'deferred' | 'delivered' | 'bounced';
/** Message-level state as the queue list shows it, derived from its pending recipients. */
export type QueueState = 'queued' | 'deferred' | 'held' | 'in_flight';
export type Destination = 'local' | 'remote';
export type MessageSource = 'smtp' | 'submission' | 'api' | 'pop3_fetch' | 'bounce';

export interface Account {
  id: number;
  address: string;
  passwordHash: string;
  createdAt: number;
}

export interface Alias {
  address: string;
  target: string;
}

export interface NewRecipient {
  address: string;
  destination: Destination;
  /** For local recipients: the account that receives it (aliases already resolved). */
  accountId?: number | undefined;
  /**
   * For local recipients: the mailbox to file into, e.g. 'Junk' for spam (scan.spam_action = junk). Unset
   * means INBOX; an account without that mailbox gets it in INBOX.
   */
  folder?: string | undefined;
}

export interface NewMessage {
  id: string;
  sender: string; // '' is the null sender (bounces)
  recipients: NewRecipient[];
  content: Buffer;
  source: MessageSource;
  clientAddress?: string | undefined;
  authUser?: string | undefined;
  /** For the message history: what the server knew at acceptance. */
  trace?: AcceptanceTrace | undefined;
}

export interface QueueRecipient {
  id: number;
  messageId: string;
  address: string;
  destination: Destination;
  domain: string;
  accountId: number | null;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number; // ms since epoch
  lastAttemptAt: number | null;
  lastError: string | null;
}

export interface QueueMessage {
  id: string;
  sender: string;
  size: number;
  createdAt: number;
  source: MessageSource;
  held: boolean;
  state: QueueState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  recipients: QueueRecipient[];
}

export interface QueueFilter {
  /** Substring of the queue id, sender or a recipient address (case-insensitive). */
  search?: string | undefined;
  state?: QueueState | undefined;
}

export type QueueSort = 'created' | '-created' | 'next_attempt' | '-next_attempt' | 'size' | '-size' | 'attempts' | '-attempts';

export interface QueueListRequest extends QueueFilter {
  offset: number;
  limit: number;
  sort?: QueueSort | undefined;
}

/** A unit of delivery work: due recipients of one message that go to one place (local, or one remote domain). */
export interface DeliveryJob {
  messageId: string;
  sender: string;
  destination: Destination;
  domain: string;
  createdAt: number;
  recipients: QueueRecipient[];
}

export interface RecipientOutcome {
  recipientId: number;
  result: 'delivered' | 'deferred' | 'bounced';
  error?: string | undefined;
  /** For deferred: when to try again (ms since epoch). */
  retryAt?: number | undefined;
  /** For the message history: the attempt behind this outcome. */
  attempt?: AttemptDetail | undefined;
}

export interface MailboxInfo {
  id: number;
  accountId: number;
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
}

export interface StoredMail {
  id: number;
  mailboxId: number;
  uid: number;
  flags: string[];
  internalDate: number;
  size: number;
  /** Moved (to the mailbox's new modseq) whenever the message arrives or its flags change (CONDSTORE). */
  modseq: number;
}

export interface DatabaseInfo {
  driver: 'sqlite' | 'postgres';
  version: string;
  location: string;
}

/** What acceptMessages did with one message. */
export interface AcceptedMessage {
  id: string;
  /** Local recipients filed into a mailbox at once. */
  filed: number;
  /** Recipients left in the queue for the scheduler. */
  queued: number;
}
