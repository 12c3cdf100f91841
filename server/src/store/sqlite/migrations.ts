// Versioned schema for the SQLite store. Append new steps; never edit a step that has shipped.
// The applied version is kept in PRAGMA user_version.

import { FETCH_BANS_MIGRATION } from './migrations-fetch-bans.ts';
import { HISTORY_MIGRATION } from './migrations-history.ts';
import { MAILBOX_MIGRATION } from './migrations-mailbox.ts';
import { MAIL_FACTS_MIGRATION } from './migrations-mail-facts.ts';
import { MODSEQ_MIGRATION } from './migrations-modseq.ts';
import { QUEUE_INDEX_MIGRATION } from './migrations-queue-index.ts';
import { QUEUE_SEARCH_MIGRATION } from './migrations-queue-search.ts';
import { QUOTA_MIGRATION } from './migrations-quota.ts';

export const MIGRATIONS: readonly string[] = [
  /* 1: directory, mailboxes, delivery queue */ `
  CREATE TABLE domains (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL UNIQUE COLLATE NOCASE,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE aliases (
    address TEXT PRIMARY KEY COLLATE NOCASE,
    target TEXT NOT NULL COLLATE NOCASE,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE
  );
  CREATE TABLE mailboxes (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    special_use TEXT,
    uid_validity INTEGER NOT NULL,
    uid_next INTEGER NOT NULL DEFAULT 1,
    subscribed INTEGER NOT NULL DEFAULT 1,
    UNIQUE (account_id, name)
  );
  CREATE TABLE mail (
    id INTEGER PRIMARY KEY,
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    flags TEXT NOT NULL DEFAULT '',
    internal_date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    queue_id TEXT,
    content BLOB NOT NULL,
    UNIQUE (mailbox_id, uid)
  );
  CREATE TABLE queue_messages (
    id TEXT PRIMARY KEY,
    sender TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    client_address TEXT,
    auth_user TEXT,
    held INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE queue_content (
    message_id TEXT PRIMARY KEY REFERENCES queue_messages(id) ON DELETE CASCADE,
    content BLOB NOT NULL
  );
  CREATE TABLE queue_recipients (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    destination TEXT NOT NULL CHECK (destination IN ('local', 'remote')),
    domain TEXT NOT NULL,
    account_id INTEGER,
    state TEXT NOT NULL CHECK (state IN ('queued', 'in_flight', 'deferred', 'delivered', 'bounced')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_attempt_at INTEGER,
    last_error TEXT
  );
  CREATE INDEX queue_recipients_due ON queue_recipients (state, next_attempt_at);
  CREATE INDEX queue_recipients_message ON queue_recipients (message_id);
  CREATE INDEX queue_messages_created ON queue_messages (created_at);
  `,
  /* 2: mailbox sync state, subscriptions, UIDVALIDITY counter */ MAILBOX_MIGRATION,
  /* 3: quarantine (scan.virus_action = quarantine); the mailbox a queued local recipient is filed into */ `
  CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    sender TEXT NOT NULL,
    -- JSON array of {address, destination, accountId} as resolved at RCPT time.
    recipients TEXT NOT NULL,
    source TEXT NOT NULL,
    client_address TEXT,
    auth_user TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL
  );
  CREATE INDEX quarantine_created ON quarantine (created_at);
  -- NULL means INBOX (NewRecipient.folder).
  ALTER TABLE queue_recipients ADD COLUMN folder TEXT;
  `,
  /* 4: external POP3 accounts and their fetched UIDLs; banned addresses */ FETCH_BANS_MIGRATION,
  /* 5: queue listing: per-message summary and per-state counts kept by triggers */ QUEUE_INDEX_MIGRATION,
  /* 6: greylisting triplets (smtp.greylisting) */ `
  CREATE TABLE greylist (
    triplet TEXT PRIMARY KEY,
    first_seen INTEGER NOT NULL,
    passed_at INTEGER,
    last_seen INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  /* 7: storage quotas: per-account limits, usage kept by triggers on mail */ QUOTA_MIGRATION,
  /* 8: DKIM signing keys per domain (dkim-key-store.ts) */ `
  CREATE TABLE dkim_keys (
    domain TEXT NOT NULL,
    selector TEXT NOT NULL,
    algorithm TEXT NOT NULL CHECK (algorithm IN ('rsa', 'ed25519')),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (domain, selector)
  );
  `,
  /* 9: queue listing: an index per sort besides creation, with and without a state (a page stops at 50 rows) */ `
  CREATE INDEX IF NOT EXISTS queue_summary_next_attempt ON queue_message_summary (next_attempt_at, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_attempts ON queue_message_summary (attempts, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_size ON queue_message_summary (size, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_state_next_attempt ON queue_message_summary (state, next_attempt_at, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_state_attempts ON queue_message_summary (state, attempts, message_id);
  CREATE INDEX IF NOT EXISTS queue_summary_state_size ON queue_message_summary (state, size, message_id);
  `,
  /* 10: queue search: a trigram index of queue id, sender and address per recipient */ QUEUE_SEARCH_MIGRATION,
  /* 11: message history for the trace (history-store.ts) */ HISTORY_MIGRATION,
  /* 12: per-message mod-sequences (CONDSTORE), stamped by triggers on mail */ MODSEQ_MIGRATION,
  /* 13: routes (route-store.ts); distribution lists and per-domain catch-all (list-store.ts) */ `
  CREATE TABLE routes (
    domain TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    security TEXT NOT NULL CHECK (security IN ('opportunistic', 'starttls', 'tls')),
    username TEXT,
    -- In the clear on purpose: it must be sent to the next hop (route-store.ts).
    password TEXT,
    created_at INTEGER NOT NULL
  );
  ALTER TABLE domains ADD COLUMN catch_all TEXT;
  CREATE TABLE lists (
    address TEXT PRIMARY KEY COLLATE NOCASE,
    domain TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    policy TEXT NOT NULL CHECK (policy IN ('anyone', 'members', 'authenticated')),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE list_members (
    list TEXT NOT NULL REFERENCES lists(address) ON DELETE CASCADE,
    member TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (list, member)
  ) WITHOUT ROWID;
  `,
  /* 14: IMAP facts kept per message (imap/stored-facts.ts): ENVELOPE, BODYSTRUCTURE and BODY as rendered, filled in on first FETCH */ `
  ALTER TABLE mail ADD COLUMN imap_envelope BLOB;
  ALTER TABLE mail ADD COLUMN imap_bodystructure BLOB;
  ALTER TABLE mail ADD COLUMN imap_body BLOB;
  ALTER TABLE mail ADD COLUMN imap_facts_version INTEGER;
  `,
  /* 15: IMAP facts moved out of the mail row, the mail still to be parsed, a covering index for SELECT */ MAIL_FACTS_MIGRATION,
];
