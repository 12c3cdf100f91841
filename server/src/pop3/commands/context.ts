// What a POP3 command may use of its session: the state, the login, the maildrop and the connection.
// Commands see this interface, never the session class, so the session can import the command table
// without an import loop, and a command can be tested against a small fake.
import type { Authenticator } from '../../auth/authenticator.ts';
import type { Account } from '../../store/types.ts';
import type { Log as Logger } from '../../telemetry/log.ts';
import type { MaildropLocks } from '../maildrop-lock.ts';
import type { Maildrop } from '../maildrop.ts';
import type { Pop3Store } from '../store.ts';
import type { Pop3State } from '../state.ts';

export interface Pop3Context {
  state: Pop3State;
  /** The name from USER, waiting for PASS. */
  pendingUser: string | null;
  authFailures: number;
  readonly account: Account | null;
  readonly remoteAddress: string;
  readonly secure: boolean;
  /** PLAIN and USER/PASS carry the password in the clear: only over TLS, or on loopback. */
  readonly plaintextAllowed: boolean;
  readonly log: Logger;
  readonly store: Pop3Store;
  readonly locks: MaildropLocks;
  readonly auth: Authenticator;
  /** The locked maildrop; throws a Pop3Error before login. */
  readonly maildrop: Maildrop;
  send(data: string | Buffer): Promise<void>;
  /** A SASL continuation line, or null when the client went away or sent an over-long line. */
  readSaslLine(): Promise<string | null>;
  startTls(): Promise<void>;
  close(last?: string): void;
  /** Logged in: the maildrop is locked and becomes the session's. */
  enterTransaction(account: Account, drop: Maildrop): void;
  releaseMaildrop(): void;
}
