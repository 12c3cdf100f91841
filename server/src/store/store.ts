// The Store interface: the only way the server reads or changes persistent state.
// Implementations: sqlite/ (embedded default). Every method that changes state resolves only
// after the change is committed durably.
import type {
  Account, Alias, DatabaseInfo, DeliveryJob, MailboxInfo, NewMessage, QueueFilter, QueueListRequest,
  QueueMessage, QueueRecipient, RecipientOutcome, StoredMail,
} from './types.ts';

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

export interface QueueStore {
  /** Stores a message and its recipients; resolves once both are durable. */
  enqueue(message: NewMessage): Promise<void>;
  /**
   * Claims the next due job: marks its recipients in flight, counts the attempt and writes the time of
   * the next attempt *before* the attempt starts, so a crash never turns into a hot retry loop.
   */
  claimNextJob(now: number, retryAt: (attempts: number) => number, busyDomains: ReadonlySet<string>): Promise<DeliveryJob | null>;
  /** Records attempt outcomes; drops the message once no recipient is pending. */
  recordOutcomes(messageId: string, outcomes: RecipientOutcome[], now: number): Promise<void>;
  /** Local delivery: files the content into each account's INBOX and marks the recipients delivered, atomically. */
  deliverLocal(messageId: string, recipientIds: number[], content: Buffer, now: number): Promise<void>;
  /** After a crash or restart: recipients left in flight become deferred (their next attempt time was already set). */
  recoverInFlight(): Promise<number>;
  /** Earliest next attempt among pending, not held recipients, or null. */
  nextDueAt(): Promise<number | null>;

  listQueue(request: QueueListRequest, now: number): Promise<{ total: number; items: QueueMessage[] }>;
  getQueueMessage(id: string): Promise<QueueMessage | null>;
  readContent(id: string): Promise<Buffer | null>;
  /** Makes pending recipients due now (un-holding is separate). Returns how many messages changed. */
  sendNow(filter: QueueFilter & { id?: string }, now: number): Promise<number>;
  setHeld(id: string, held: boolean): Promise<boolean>;
  /** Fails every pending recipient of a message now (admin "bounce"); returns them for the DSN. */
  failMessage(id: string, error: string): Promise<QueueRecipient[]>;
  /** Removes messages (recipients in flight finish their attempt; its outcome is then ignored). */
  removeMessages(filter: QueueFilter & { id?: string }): Promise<number>;
}

export interface MailboxStore {
  listMailboxes(accountId: number): Promise<MailboxInfo[]>;
  listMail(mailboxId: number): Promise<StoredMail[]>;
  readMail(id: number): Promise<Buffer | null>;
}

export interface Store extends DirectoryStore, QueueStore, MailboxStore {
  readonly info: DatabaseInfo;
  close(): Promise<void>;
}
