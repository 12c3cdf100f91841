// What an IMAP command may use of its session: the state, the login, the selected mailbox and the
// connection. Commands see this interface, never the session class, so the session can import the
// handler table without an import loop, and a command can be tested against a small fake.
import type { Authenticator } from '../../auth/authenticator.ts';
import type { Account } from '../../store/types.ts';
import type { CommandLimit } from '../../telemetry/events.ts';
import type { Log as Logger } from '../../telemetry/log.ts';
import type { MailboxViews } from '../mailbox-views.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import type { ImapStore } from '../store.ts';

export type ImapState = 'not_authenticated' | 'authenticated' | 'selected';

/** A tagged OK; handlers that write their own tagged response (LOGOUT, STARTTLS) return 'done'. */
export type Completion = { code?: string; text: string } | 'done';

export interface ImapContext {
  state: ImapState;
  account: Account | null;
  authFailures: number;
  /** CONDSTORE is on for the rest of the connection (RFC 7162 3.1: ENABLE or a command that uses it). */
  condstore: boolean;
  /** QRESYNC is enabled (RFC 7162 3.2.3): expunges are reported as VANISHED. */
  qresync: boolean;
  /** ENABLE IMAP4rev2 (RFC 9051): no \\Recent, no RECENT, ESEARCH for every SEARCH, mailbox names in UTF-8. */
  imap4rev2: boolean;
  /** ENABLE UTF8=ACCEPT (RFC 6855). */
  utf8Accept: boolean;
  /** Mailbox names are UTF-8 both ways, not modified UTF-7: IMAP4rev2 or UTF8=ACCEPT is enabled. */
  readonly utf8Names: boolean;
  readonly selected: SelectedMailbox | null;
  readonly remoteAddress: string;
  readonly secure: boolean;
  /** LOGIN and PLAIN carry the password in the clear: only over TLS, or on loopback. */
  readonly plaintextAllowed: boolean;
  /** The APPENDLIMIT: the largest message APPEND takes. */
  readonly appendMaxBytes: number;
  /** limits.max_keywords_per_mailbox. */
  readonly maxKeywordsPerMailbox: number;
  /** A limit refused the command: logged and counted (mailroom_connection_limit_hits_total). */
  limitHit(limit: CommandLimit): void;
  /** Whether the account may log in one more session here (imap.max_sessions_per_user). */
  userHasRoom(user: string): boolean;
  readonly log: Logger;
  readonly store: ImapStore;
  /** The node's shared mailbox views, which SELECT joins. */
  readonly views: MailboxViews;
  readonly auth: Authenticator;
  /** The logged-in account (commands reach this only in the authenticated and selected states). */
  readonly user: Account;
  /** True once the connection is closed or closing: a long response can stop early. */
  readonly closed: boolean;
  capabilities(): string;
  /** With back-pressure: resolves once the socket took it (pieces go out in order, unjoined). */
  write(data: string | Buffer | readonly Buffer[]): Promise<void>;
  untagged(line: string | Buffer | readonly Buffer[]): Promise<void>;
  /** A raw line (AUTHENTICATE responses); null when the client went away or overflowed it. */
  readLine(maxBytes: number): Promise<string | null>;
  startTls(): Promise<void>;
  /** Opens or leaves a mailbox, moving between the authenticated and selected states. */
  select(mailbox: SelectedMailbox | null): void;
  /** IDLE: reports changes until the client's next line, which it returns (null: the connection ended). */
  idle(): Promise<string | null>;
  close(last?: string): void;
  /** Logged in: the pre-authentication limits no longer apply to this session. */
  authenticated(): void;
}
