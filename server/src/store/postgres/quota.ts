// Storage quotas in PostgreSQL: the limits on accounts; usage is kept by the triggers of migration steps 5 and 13.
import type pg from 'pg';
import { QUOTA_COLUMNS as COLUMNS, toQuota, type AccountQuota, type QuotaLimitsChange, type QuotaRow, type QuotaStore } from '../quota-store.ts';
import { prepared } from './pool.ts';

export class PgQuotas implements QuotaStore {
  constructor(private readonly pool: pg.Pool) {}

  async getQuota(accountId: number): Promise<AccountQuota | null> {
    const { rows } = await this.pool.query<QuotaRow>(prepared('quota-of-account', `SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [accountId]));
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
