// Storage quotas in PostgreSQL: the limits on accounts; usage is kept by the triggers of migration step 4.
import type pg from 'pg';
import type { AccountQuota, QuotaLimitsChange, QuotaStore } from '../quota-store.ts';

interface QuotaRow {
  address: string;
  quota_bytes: number | null;
  quota_messages: number | null;
  used_bytes: number;
  used_messages: number;
}

const COLUMNS = 'address, quota_bytes, quota_messages, used_bytes, used_messages';
const toQuota = (r: QuotaRow): AccountQuota => ({ address: r.address, quotaBytes: r.quota_bytes, quotaMessages: r.quota_messages, usedBytes: r.used_bytes, usedMessages: r.used_messages });

export class PgQuotas implements QuotaStore {
  constructor(private readonly pool: pg.Pool) {}

  async getQuota(accountId: number): Promise<AccountQuota | null> {
    const { rows } = await this.pool.query<QuotaRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]);
    return rows[0] ? toQuota(rows[0]) : null;
  }

  async setQuota(address: string, change: QuotaLimitsChange): Promise<boolean> {
    // One statement: a column not being changed keeps its value ($2/$4 say whether to set it).
    const result = await this.pool.query(
      `UPDATE accounts SET quota_bytes = CASE WHEN $2 THEN $3::bigint ELSE quota_bytes END,
         quota_messages = CASE WHEN $4 THEN $5::bigint ELSE quota_messages END
       WHERE lower(address) = lower($1)`,
      [address, change.bytes !== undefined, change.bytes ?? null, change.messages !== undefined, change.messages ?? null],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async listQuotas(): Promise<AccountQuota[]> {
    return (await this.pool.query<QuotaRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY lower(address) COLLATE "C"`)).rows.map(toQuota);
  }
}
