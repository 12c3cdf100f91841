// Storage quotas per account: the limits an operator set and the usage the store keeps. Usage is kept by
// database triggers on the mail table (sqlite/migrations-quota.ts, postgres/migrations.ts step 4), so every
// path that files or removes mail (delivery, APPEND, COPY, MOVE, EXPUNGE, account removal) counts in its
// own transaction and nothing is recounted per message.

/** An account's limits (null: the default from quota.default_bytes / quota.default_messages) and usage. */
export interface AccountQuota {
  address: string;
  /** Per-account limit in bytes; null means the configured default applies. 0 means unlimited. */
  quotaBytes: number | null;
  /** Per-account limit in messages; null means the configured default applies. 0 means unlimited. */
  quotaMessages: number | null;
  usedBytes: number;
  usedMessages: number;
}

export interface QuotaLimitsChange {
  /** undefined: keep; null: back to the default; a number (0 = unlimited) */
  bytes?: number | null | undefined;
  messages?: number | null | undefined;
}

export interface QuotaStore {
  getQuota(accountId: number): Promise<AccountQuota | null>;
  /** Sets an account's limits; false when the account does not exist. */
  setQuota(address: string, change: QuotaLimitsChange): Promise<boolean>;
  listQuotas(): Promise<AccountQuota[]>;
}

/** The accounts columns a quota is read from, and the row both back ends read them into. */
export interface QuotaRow {
  address: string;
  quota_bytes: number | null;
  quota_messages: number | null;
  used_bytes: number;
  used_messages: number;
}

export const QUOTA_COLUMNS = 'address, quota_bytes, quota_messages, used_bytes, used_messages';
export const toQuota = (r: QuotaRow): AccountQuota => ({ address: r.address, quotaBytes: r.quota_bytes, quotaMessages: r.quota_messages, usedBytes: r.used_bytes, usedMessages: r.used_messages });
