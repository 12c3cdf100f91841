// Schema for external POP3 accounts (with the UIDLs already delivered) and for banned addresses.

export const FETCH_BANS_MIGRATION = `
  CREATE TABLE fetch_accounts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    security TEXT NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
    verify_tls INTEGER NOT NULL DEFAULT 1,
    username TEXT NOT NULL,
    -- In the clear on purpose: it must be sent to the remote server (docs/cli.md says so).
    password TEXT NOT NULL,
    interval_seconds INTEGER NOT NULL,
    keep_on_server INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_run_at INTEGER,
    last_error TEXT,
    fetched_total INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX fetch_accounts_account ON fetch_accounts (account_id);
  CREATE TABLE fetch_uidls (
    fetch_account_id INTEGER NOT NULL REFERENCES fetch_accounts(id) ON DELETE CASCADE,
    uidl TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (fetch_account_id, uidl)
  ) WITHOUT ROWID;
  CREATE TABLE bans (
    address TEXT PRIMARY KEY,
    reason TEXT NOT NULL CHECK (reason IN ('auto', 'manual')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER
  );
  CREATE INDEX bans_expires ON bans (expires_at);
`;
