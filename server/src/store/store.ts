// The Store interface: the only way the server reads or changes persistent state.
// Implementations: sqlite/ (embedded default). Every method that changes state resolves only
// after the change is committed durably.
import type { ClusterStore } from './cluster-store.ts';
import type { Account, Alias, DatabaseInfo, DeliveryJob, NewMessage, QueueFilter, QueueListRequest, QueueMessage, QueueRecipient, RecipientOutcome, AcceptedMessage } from './types.ts';
import type { MailboxStore } from './mailbox-store.ts';
import type { QuarantineStore } from './quarantine-store.ts';
import type { FetchAccountStore } from './fetch-account-store.ts';
import type { BanStore } from './ban-store.ts';
import type { QuotaStore } from './quota-store.ts';
import type { DkimKeyStore } from './dkim-key-store.ts';
import type { RouteStore } from './route-store.ts';
import type { ListStore } from './list-store.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { GreylistStore } from './greylist-store.ts';
import type { MessageHistoryStore } from './history-store.ts';

export type { MailboxStore } from './mailbox-store.ts';

export interface DirectoryStore {
  addDomain(name: string): Promise<void>;
  removeDomain(name: string): Promise<boolean>;
  listDomains(): Promise<string[]>;
  isLocalDomain(name: string): Promise<boolean>;

  addAccount(address: string, passwordHash: string): Promise<Account>;
  removeAccount(address: string): Promise<boolean>;
  setPassword(address: string, passwordHash: string): Promise<boolean>;
  listAccounts(): Promise<Account[]>;
  findAccount(address: string): Promise<Account | null>;

  addAlias(address: string, target: string): Promise<void>;
  removeAlias(address: string): Promise<boolean>;
  listAliases(): Promise<Alias[]>;
  findAlias(address: string): Promise<Alias | null>;
}

/**
 * The queue as delivery drives it. Shaped so a server database can implement it too: claiming is one
 * transaction that picks due rows and marks them (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, then
 * UPDATE), and every outcome is recorded with a guard on the state it expects.
 */
export interface DeliveryQueueStore {
  /** Stores a message and its recipients; resolves once both are durable. */
  enqueue(message: NewMessage): Promise<void>;
  /**
   * Accepts new messages in one transaction (group commit: one fsync for the batch). With fileLocal,
   * local recipients are filed straight into their account's INBOX and only the rest (remote recipients,
   * and local ones whose account vanished since RCPT) enter the queue; without, everything is queued.
   * Resolves once everything is durable. An implementation may commit on another thread and put
   * concurrent calls into one transaction; each call still succeeds or fails as a whole.
   */
  acceptMessages(messages: NewMessage[], now: number, fileLocal: boolean): Promise<AcceptedMessage[]>;
  /**
   * Claims the next due job: marks its recipients in flight, counts the attempt and writes the time of
   * the next attempt *before* the attempt starts, so a crash never turns into a hot retry loop.
   * Remote jobs for a domain in busyDomains are skipped (per-domain connection limit).
   */
  claimNextJob(now: number, retryAt: (attempts: number) => number, busyDomains: ReadonlySet<string>): Promise<DeliveryJob | null>;
  /**
   * Records attempt outcomes for recipients still in flight and drops the message once none is pending.
   * A bounce notice is queued in the same transaction when at least one outcome was a bounce that
   * applied, so a crash can neither lose the DSN nor send it for a failure that was not recorded.
   */
  recordOutcomes(messageId: string, outcomes: RecipientOutcome[], now: number, notice?: NewMessage): Promise<void>;
  /**
   * Local delivery: files the content into each recipient account's INBOX and marks those recipients
   * delivered, in one transaction (exactly once: a recipient no longer in flight is skipped). Returns the
   * ids marked delivered, and the recipients whose account or INBOX no longer exists: those are left in
   * flight for the caller to bounce.
   */
  deliverLocal(messageId: string, recipientIds: number[], content: Buffer, now: number): Promise<{ delivered: number[]; unfiled: QueueRecipient[] }>;
  /**
   * At process start: recipients left in flight by a crash become deferred. Their next attempt time was
   * written when they were claimed, so they wait one retry step (delivery.retry_schedule_seconds[0]).
   */
  recoverInFlight(): Promise<number>;
  /** Earliest next attempt among pending, not held recipients, or null. */
  nextDueAt(): Promise<number | null>;
}

/**
 * A page of the queue listing. totalExact is false when a search matched more messages than a page
 * listing counts (1,000: QUEUE_SEARCH_COUNT_MAX): total is then that many, a lower bound (counting every match of a broad search
 * in a large queue would read all of it on every page).
 */
export interface QueuePage {
  total: number;
  totalExact?: boolean;
  items: QueueMessage[];
}

/** The queue as the admin API sees it: a snapshot to list and the operator's actions. */
export interface QueueAdminStore {
  listQueue(request: QueueListRequest, now: number): Promise<QueuePage>;
  getQueueMessage(id: string): Promise<QueueMessage | null>;
  readContent(id: string): Promise<Buffer | null>;
  /** Makes pending recipients due now (un-holding is separate). Returns how many messages changed. */
  sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number>;
  setHeld(id: string, held: boolean): Promise<boolean>;
  /**
   * Fails every pending (not in flight) recipient of a message now (admin "bounce") and returns them.
   * notice builds the DSN from them; it is queued in the same transaction.
   */
  failMessage(id: string, error: string, notice?: (failed: QueueRecipient[]) => NewMessage | null): Promise<QueueRecipient[]>;
  /** Removes messages (recipients in flight finish their attempt; its outcome is then ignored). */
  removeMessages(filter: QueueFilter & { id?: string }): Promise<number>;
}

export interface QueueStore extends DeliveryQueueStore, QueueAdminStore {}

export interface Store
  extends DirectoryStore, QueueStore, MailboxStore, QuarantineStore, FetchAccountStore, BanStore, GreylistStore, QuotaStore, DkimKeyStore, MessageHistoryStore, RouteStore, ListStore, ChangeFeed {
  readonly info: DatabaseInfo;
  /** The nodes sharing this database (on SQLite: this process alone). */
  readonly cluster: ClusterStore;
  /** The schema version this build knows (its migration count): nodes compare it. */
  readonly schemaVersion: number;
  close(): Promise<void>;
}
