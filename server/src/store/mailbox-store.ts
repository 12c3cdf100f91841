// The mailbox half of the Store: folders, the messages in them, flags and the change counters that let
// several IMAP and POP3 sessions on one mailbox see each other's changes. Everything addresses mail by
// (mailbox id, UID); callers find mailbox ids only through their own account, which is the access check.
import type { MailboxInfo, StoredMail } from './types.ts';

/** The one hierarchy delimiter: "Archive/2024" is the child "2024" of "Archive". */
export const MAILBOX_DELIMITER = '/';

/** Flags the server gives meaning to (RFC 3501 2.3.2); \Recent is per session and never stored. */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'] as const;

/**
 * Keywords one message may carry; a change beyond it is refused ('limit', IMAP NO [LIMIT]). Clients tag
 * with a handful; the cap keeps every per-message flag operation and FETCH FLAGS answer small.
 */
export const MAX_KEYWORDS_PER_MESSAGE = 128;

export type MailboxErrorCode = 'exists' | 'not_found' | 'has_children' | 'invalid' | 'limit';

export class MailboxError extends Error {
  constructor(
    readonly code: MailboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MailboxError';
  }
}

/**
 * What a session compares to learn whether anything changed: uidNext moves when mail arrives (local
 * delivery, APPEND, COPY), modseq when flags change or mail is expunged. Reading it is one row by key.
 */
export interface MailboxVersion {
  uidNext: number;
  modseq: number;
}

export interface MailboxStatus {
  messages: number;
  recent: number;
  unseen: number;
  uidNext: number;
  uidValidity: number;
}

/** A message to append: its bytes, flags and internal date (ms). */
export interface NewMail {
  content: Buffer;
  flags: readonly string[];
  internalDate: number;
}

/**
 * The mail list of one mailbox in columns, UIDs ascending: slot i of every array is one message. What
 * IMAP's shared mailbox view keeps (imap/mailbox-view.ts), read without an object per message, so opening a
 * large mailbox costs a few milliseconds.
 */
export interface MailColumns {
  uids: Uint32Array;
  ids: Float64Array;
  modseqs: Float64Array;
  sizes: Float64Array;
  internalDates: Float64Array;
  /** Each message's flags as stored: space-separated, '' for none. */
  flags: string[];
}

/** COPY and MOVE results for UIDPLUS: sourceUids[i] became targetUids[i]. */
export interface CopyResult {
  uidValidity: number;
  sourceUids: number[];
  targetUids: number[];
}

export type FlagOperation = 'add' | 'remove' | 'replace';

/** What a conditional flag change did: the mail it changed and the UIDs it refused as modified since. */
export interface FlagUpdate {
  changed: StoredMail[];
  modified: number[];
}

/** What IMAP FETCH sends for these items, rendered once by imap/stored-facts.ts (opaque to the store). */
export interface ImapFacts {
  envelope: Buffer;
  bodyStructure: Buffer;
  body: Buffer;
  /** The message's header section as stored, with the blank line that ends it (BODY[HEADER], HEADER.FIELDS). */
  header: Buffer;
}

export type ImapFactName = keyof ImapFacts;
export const IMAP_FACT_NAMES: readonly ImapFactName[] = ['envelope', 'bodyStructure', 'body', 'header'];

export interface MailboxStore {
  listMailboxes(accountId: number): Promise<MailboxInfo[]>;
  /** INBOX matches case-insensitively; every other name exactly. */
  findMailbox(accountId: number, name: string): Promise<MailboxInfo | null>;
  /**
   * Creates the mailbox and any missing parents, with a special-use attribute (RFC 6154: \\Sent, ...) when
   * given. Throws MailboxError 'exists' or 'invalid'.
   */
  createMailbox(accountId: number, name: string, specialUse?: string | null): Promise<MailboxInfo>;
  /** Removes a mailbox and its mail. INBOX and mailboxes with children are refused. */
  deleteMailbox(accountId: number, name: string): Promise<void>;
  /**
   * Renames a mailbox with its children; missing parents of the new name are created. Renaming INBOX
   * moves its mail into the new mailbox and leaves INBOX empty (RFC 3501 6.3.5).
   */
  renameMailbox(accountId: number, from: string, to: string): Promise<void>;

  /** Subscribed names; they may name mailboxes that no longer exist (RFC 3501 6.3.6). */
  listSubscriptions(accountId: number): Promise<string[]>;
  setSubscribed(accountId: number, name: string, subscribed: boolean): Promise<void>;

  /** null when the mailbox no longer exists. */
  mailboxVersion(mailboxId: number): Promise<MailboxVersion | null>;
  /** Versions of many mailboxes in one read (IDLE watching); mailboxes that no longer exist are absent. */
  mailboxVersions(mailboxIds: readonly number[]): Promise<Map<number, MailboxVersion>>;
  mailboxStatus(mailboxId: number): Promise<MailboxStatus | null>;
  /**
   * Hands the caller the mail no session has seen yet: UIDs from the returned value up to the current
   * uidNext are \Recent for this caller only; the next caller starts after them.
   */
  claimRecent(mailboxId: number): Promise<number>;
  /** The first UID not yet claimed as recent, without claiming (EXAMINE, STATUS). */
  firstRecentUid(mailboxId: number): Promise<number>;

  /** Mail in UID order; with fromUid, only UIDs at or above it. */
  listMail(mailboxId: number, fromUid?: number): Promise<StoredMail[]>;
  /** The same list as listMail, in columns (IMAP SELECT of a large mailbox). */
  listMailColumns(mailboxId: number): Promise<MailColumns>;
  readMail(id: number): Promise<Buffer | null>;
  /**
   * The IMAP facts kept for these messages (imap/stored-facts.ts) that were computed by this facts
   * version; messages without them, or with an older version, are absent. With fields, only those are
   * read (FETCH ENVELOPE of a whole mailbox needs neither the body structure nor the header).
   */
  readImapFacts<K extends ImapFactName = ImapFactName>(ids: readonly number[], version: number, fields?: readonly K[]): Promise<Map<number, Pick<ImapFacts, K>>>;
  /** Keeps computed facts with the facts version that made them; messages gone meanwhile are skipped. */
  saveImapFacts(facts: ReadonlyMap<number, ImapFacts>, version: number): Promise<void>;
  /**
   * Up to `limit` messages that have no IMAP facts yet, newest first (imap/facts-filler.ts computes them in
   * the background, newest first because that is what clients fetch next). Served by a partial index.
   */
  listMailWithoutImapFacts(limit: number): Promise<number[]>;
  appendMail(mailboxId: number, content: Buffer, flags: readonly string[], internalDate: number): Promise<{ uid: number; uidValidity: number }>;
  /** Several messages in one transaction (IMAP MULTIAPPEND): all are stored, with consecutive UIDs, or none. */
  appendMails(mailboxId: number, messages: readonly NewMail[]): Promise<{ uids: number[]; uidValidity: number }>;
  /**
   * Changes flags of the given UIDs (missing ones are skipped); returns the mail whose flags changed.
   * Throws MailboxError 'limit', changing nothing, when a message would exceed MAX_KEYWORDS_PER_MESSAGE.
   */
  setFlags(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[]): Promise<StoredMail[]>;
  /**
   * setFlags for the messages whose modseq is at most unchangedSince (CONDSTORE's STORE UNCHANGEDSINCE,
   * RFC 7162 3.1.3), checked and changed in one transaction; the others are left alone and named in modified.
   */
  setFlagsUnchangedSince(mailboxId: number, uids: readonly number[], op: FlagOperation, flags: readonly string[], unchangedSince: number): Promise<FlagUpdate>;
  copyMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult>;
  /** Copy and expunge in one transaction: the mail is never in both mailboxes or in neither. */
  moveMail(fromMailboxId: number, uids: readonly number[], toMailboxId: number): Promise<CopyResult>;
  /** Removes mail flagged \Deleted (only among uids when given); returns the UIDs removed. */
  expunge(mailboxId: number, uids?: readonly number[]): Promise<number[]>;
  /** Removes the given mail whatever its flags (POP3's UPDATE state); returns the UIDs removed. */
  removeMail(mailboxId: number, uids: readonly number[]): Promise<number[]>;
}
