// What `mailroom db copy` moves from the embedded SQLite store into PostgreSQL, table by table, in an
// order that satisfies the foreign keys. Each entry reads the SQLite rows already shaped as the
// PostgreSQL table wants them (the two schemas differ: postgres/migrations.ts says how), so the copier
// itself knows no table. A table added to the PostgreSQL schema must be added here or to NOT_COPIED:
// the copy test compares this list with the tables of a migrated database.

/** How a value read from SQLite becomes the PostgreSQL column's value. */
export type ColumnKind = 'value' | 'boolean';

export interface CopiedTable {
  /** The PostgreSQL table. */
  table: string;
  /** Its columns, in the order `select` returns them; a boolean column is 0/1 in SQLite. */
  columns: readonly (string | { name: string; kind: ColumnKind })[];
  /** SQLite: the rows, columns in the same order under the same names. */
  select: string;
  /** SQLite: how many rows `select` returns (for the progress bar and the count check). */
  count: string;
  /** A PostgreSQL identity column to move past the copied ids, so new rows do not collide. */
  identity?: string;
}

/** PostgreSQL tables the copy does not fill, and why. */
export const NOT_COPIED: Readonly<Record<string, string>> = {
  schema_migrations: 'written by the migrations themselves',
  mailbox_uid_validity: 'one row, updated to the source value after the copy (never reuse a UIDVALIDITY)',
  nodes: 'the nodes of a cluster register themselves when they start',
  queue_state_counts: 'kept by triggers on queue_messages: the copied rows count themselves',
  queue_search: 'written by a trigger on queue_messages for every copied message',
};

const bool = (name: string) => ({ name, kind: 'boolean' as const });

export const COPY_PLAN: readonly CopiedTable[] = [
  // Domain names are lower-case in PostgreSQL (SQLite compares them without case).
  {
    table: 'domains',
    columns: ['name', 'created_at', 'catch_all'],
    select: 'SELECT lower(name) AS name, created_at, catch_all FROM domains ORDER BY name',
    count: 'SELECT COUNT(*) FROM domains',
  },
  {
    table: 'accounts',
    // used_bytes/used_messages are not copied: the quota triggers count the mail as it is copied.
    columns: ['id', 'address', 'domain', 'password_hash', 'created_at', 'quota_bytes', 'quota_messages'],
    select: 'SELECT id, address, lower(domain) AS domain, password_hash, created_at, quota_bytes, quota_messages FROM accounts ORDER BY id',
    count: 'SELECT COUNT(*) FROM accounts',
    identity: 'id',
  },
  { table: 'aliases', columns: ['address', 'target', 'domain'], select: 'SELECT address, target, lower(domain) AS domain FROM aliases ORDER BY address', count: 'SELECT COUNT(*) FROM aliases' },
  // The per-mailbox counters are a table of their own in SQLite (a missing row means the defaults).
  {
    table: 'mailboxes',
    columns: ['id', 'account_id', 'name', 'special_use', 'uid_validity', 'uid_next', 'modseq', 'first_recent_uid'],
    select: `SELECT m.id, m.account_id, m.name, m.special_use, m.uid_validity, m.uid_next, COALESCE(s.modseq, 0) AS modseq, COALESCE(s.first_recent_uid, 1) AS first_recent_uid
             FROM mailboxes m LEFT JOIN mailbox_state s ON s.mailbox_id = m.id ORDER BY m.id`,
    count: 'SELECT COUNT(*) FROM mailboxes',
    identity: 'id',
  },
  {
    table: 'mailbox_subscriptions',
    columns: ['account_id', 'name'],
    select: 'SELECT account_id, name FROM mailbox_subscriptions ORDER BY account_id, name',
    count: 'SELECT COUNT(*) FROM mailbox_subscriptions',
  },
  {
    table: 'mail',
    // modseq is not copied: the target's trigger stamps each message as it goes in, moving its mailbox's
    // modseq past every value a CONDSTORE client has seen, so clients resynchronise rather than miss a change.
    columns: ['id', 'mailbox_id', 'uid', 'flags', 'internal_date', 'size', 'queue_id', 'content'],
    select: 'SELECT id, mailbox_id, uid, flags, internal_date, size, queue_id, content FROM mail ORDER BY id',
    count: 'SELECT COUNT(*) FROM mail',
    identity: 'id',
  },
  // The listing summary (in_flight, deferred, attempts, next attempt) is recounted once the recipients
  // are in (finishCopy); the search text is the same in both.
  {
    table: 'queue_messages',
    columns: ['id', 'sender', 'size', 'created_at', 'source', 'client_address', 'auth_user', bool('held'), 'search'],
    select: `SELECT m.id, m.sender, m.size, m.created_at, m.source, m.client_address, m.auth_user, m.held, COALESCE(s.search, m.id || char(1) || m.sender) AS search
             FROM queue_messages m LEFT JOIN queue_message_summary s ON s.message_id = m.id ORDER BY m.created_at, m.id`,
    count: 'SELECT COUNT(*) FROM queue_messages',
  },
  { table: 'queue_content', columns: ['message_id', 'content'], select: 'SELECT message_id, content FROM queue_content ORDER BY message_id', count: 'SELECT COUNT(*) FROM queue_content' },
  // A recipient in flight in a store no server holds was interrupted: it becomes deferred, as the
  // SQLite store's own recovery at start would make it (queue.ts recoverInFlight); no lease is copied.
  {
    table: 'queue_recipients',
    columns: ['id', 'message_id', 'address', 'destination', 'domain', 'account_id', 'folder', 'state', 'attempts', 'next_attempt_at', 'last_attempt_at', 'last_error'],
    select: `SELECT id, message_id, address, destination, domain, account_id, folder,
                    CASE WHEN state = 'in_flight' THEN 'deferred' ELSE state END AS state, attempts, next_attempt_at, last_attempt_at,
                    CASE WHEN state = 'in_flight' THEN COALESCE(last_error, 'interrupted by a restart') ELSE last_error END AS last_error
             FROM queue_recipients ORDER BY id`,
    count: 'SELECT COUNT(*) FROM queue_recipients',
    identity: 'id',
  },
  {
    table: 'quarantine',
    columns: ['id', 'created_at', 'sender', 'recipients', 'source', 'client_address', 'auth_user', 'reason', 'detail', 'size', 'content'],
    select: 'SELECT id, created_at, sender, recipients, source, client_address, auth_user, reason, detail, size, content FROM quarantine ORDER BY created_at, id',
    count: 'SELECT COUNT(*) FROM quarantine',
  },
  {
    table: 'fetch_accounts',
    columns: [
      'id',
      'account_id',
      'host',
      'port',
      'security',
      bool('verify_tls'),
      'username',
      'password',
      'interval_seconds',
      bool('keep_on_server'),
      bool('enabled'),
      'created_at',
      'last_run_at',
      'last_error',
      'fetched_total',
    ],
    select: `SELECT id, account_id, host, port, security, verify_tls, username, password, interval_seconds, keep_on_server, enabled, created_at, last_run_at, last_error, fetched_total
             FROM fetch_accounts ORDER BY id`,
    count: 'SELECT COUNT(*) FROM fetch_accounts',
    identity: 'id',
  },
  {
    table: 'fetch_uidls',
    columns: ['fetch_account_id', 'uidl', 'fetched_at'],
    select: 'SELECT fetch_account_id, uidl, fetched_at FROM fetch_uidls ORDER BY fetch_account_id, uidl',
    count: 'SELECT COUNT(*) FROM fetch_uidls',
  },
  {
    table: 'bans',
    columns: ['address', 'reason', 'created_at', 'expires_at'],
    select: 'SELECT address, reason, created_at, expires_at FROM bans ORDER BY address',
    count: 'SELECT COUNT(*) FROM bans',
  },
  // The signing keys: a node started on the copy signs with the keys already published in DNS.
  {
    table: 'dkim_keys',
    columns: ['domain', 'selector', 'algorithm', 'public_key', 'private_key', 'created_at', bool('active')],
    select: 'SELECT lower(domain) AS domain, selector, algorithm, public_key, private_key, created_at, active FROM dkim_keys ORDER BY domain, selector',
    count: 'SELECT COUNT(*) FROM dkim_keys',
  },
  // Routes, with their passwords: the copy must deliver the same way.
  {
    table: 'routes',
    columns: ['domain', 'host', 'port', 'security', 'username', 'password', 'created_at'],
    select: 'SELECT domain, host, port, security, username, password, created_at FROM routes ORDER BY domain',
    count: 'SELECT COUNT(*) FROM routes',
  },
  {
    table: 'lists',
    columns: ['address', 'domain', 'policy', 'created_at'],
    select: 'SELECT lower(address) AS address, lower(domain) AS domain, policy, created_at FROM lists ORDER BY address',
    count: 'SELECT COUNT(*) FROM lists',
  },
  {
    table: 'list_members',
    columns: ['list', 'member'],
    select: 'SELECT lower(list) AS list, lower(member) AS member FROM list_members ORDER BY list, member',
    count: 'SELECT COUNT(*) FROM list_members',
  },
  {
    table: 'greylist',
    columns: ['triplet', 'first_seen', 'passed_at', 'last_seen'],
    select: 'SELECT triplet, first_seen, passed_at, last_seen FROM greylist ORDER BY triplet',
    count: 'SELECT COUNT(*) FROM greylist',
  },
  // The history's recipients are already lower-case, one a line, on both.
  {
    table: 'message_history',
    columns: ['id', 'message_id_header', 'sender', 'recipients', 'size', 'source', 'node', 'client_address', 'tls', 'scan', 'accepted_at', 'finished_at', 'attempts'],
    select: 'SELECT id, message_id_header, sender, recipients, size, source, node, client_address, tls, scan, accepted_at, finished_at, attempts FROM message_history ORDER BY id',
    count: 'SELECT COUNT(*) FROM message_history',
  },
  {
    table: 'message_history_attempts',
    columns: ['id', 'message_id', 'recipient', 'at', 'result', 'mx_host', 'mx_ip', 'tls', 'reply_code', 'reply_text', 'duration_ms'],
    select: 'SELECT id, message_id, recipient, at, result, mx_host, mx_ip, tls, reply_code, reply_text, duration_ms FROM message_history_attempts ORDER BY id',
    count: 'SELECT COUNT(*) FROM message_history_attempts',
    identity: 'id',
  },
];

export const columnName = (c: CopiedTable['columns'][number]): string => (typeof c === 'string' ? c : c.name);
export const columnKind = (c: CopiedTable['columns'][number]): ColumnKind => (typeof c === 'string' ? 'value' : c.kind);
