// External POP3 accounts (hMailServer's "External accounts"): remote mailboxes that Mailroom collects mail
// from on an interval and delivers into a local account. The password is kept as given, not hashed: the
// fetcher has to send it to the remote server. It never leaves the store except towards that server (not
// in logs, not in the admin API).

/** implicit TLS from the first byte (port 995), STLS after the greeting (RFC 2595), or plaintext. */
export type FetchSecurity = 'tls' | 'starttls' | 'none';
export const FETCH_SECURITIES: readonly FetchSecurity[] = ['tls', 'starttls', 'none'];

export interface FetchAccountSettings {
  host: string;
  port: number;
  security: FetchSecurity;
  /** Check the remote certificate (off only for servers with a self-signed certificate you trust). */
  verifyTls: boolean;
  username: string;
  password: string;
  intervalSeconds: number;
  /** Leave fetched messages on the remote server (true) or delete them once they are delivered here. */
  keepOnServer: boolean;
  enabled: boolean;
}

export interface NewFetchAccount extends FetchAccountSettings {
  /** The local account that receives the mail. */
  accountId: number;
}

export interface FetchAccount extends NewFetchAccount {
  id: number;
  /** The local account's address, for listings. */
  accountAddress: string;
  createdAt: number;
  /** When the last run ended (successfully or not), null before the first. */
  lastRunAt: number | null;
  /** Why the last run failed, null when it succeeded. Never contains the password. */
  lastError: string | null;
  /** Messages delivered here from this account since it was created. */
  fetchedTotal: number;
}

export interface FetchAccountStore {
  addFetchAccount(account: NewFetchAccount, now: number): Promise<FetchAccount>;
  /** Changes the given settings; null when there is no such account. */
  updateFetchAccount(id: number, changes: Partial<FetchAccountSettings>): Promise<FetchAccount | null>;
  /** Removes the account and the UIDLs remembered for it. */
  removeFetchAccount(id: number): Promise<boolean>;
  getFetchAccount(id: number): Promise<FetchAccount | null>;
  /** Every external account, of every local account, by id. */
  listFetchAccounts(): Promise<FetchAccount[]>;
  /** The end of a run: its time, its error (null: it worked) and how many messages it delivered. */
  recordFetchRun(id: number, at: number, error: string | null, delivered: number): Promise<void>;
  /** UIDLs of messages already delivered here from this account. */
  fetchedUidls(id: number): Promise<Set<string>>;
  /** Remembers one delivered message; called only after the delivery is durable. */
  rememberUidl(id: number, uidl: string, at: number): Promise<void>;
  /**
   * Forgets remembered UIDLs that the server no longer lists (deleted there), so the table does not grow
   * for ever. Only UIDLs absent from a complete, successful listing are forgotten.
   */
  forgetUidlsExcept(id: number, listed: ReadonlySet<string>): Promise<number>;
}
