// Storage quotas in SQLite: the limits on accounts; usage is kept by the triggers of migrations-quota.ts.
import { QUOTA_COLUMNS as COLUMNS, toQuota, type AccountQuota, type QuotaLimitsChange, type QuotaRow, type QuotaStore } from '../quota-store.ts';
import { stmt, type Db } from './open.ts';

export class SqliteQuotas implements QuotaStore {
  constructor(private readonly db: Db) {}

  async getQuota(accountId: number): Promise<AccountQuota | null> {
    const row = stmt(this.db, `SELECT ${COLUMNS} FROM accounts WHERE id = ?`).get(accountId) as QuotaRow | undefined;
    return row ? toQuota(row) : null;
  }

  async setQuota(address: string, change: QuotaLimitsChange): Promise<boolean> {
    const row = stmt(this.db, 'SELECT quota_bytes, quota_messages FROM accounts WHERE address = ?').get(address) as QuotaRow | undefined;
    if (!row) return false;
    const bytes = change.bytes === undefined ? row.quota_bytes : change.bytes;
    const messages = change.messages === undefined ? row.quota_messages : change.messages;
    return stmt(this.db, 'UPDATE accounts SET quota_bytes = ?, quota_messages = ? WHERE address = ?').run(bytes, messages, address).changes > 0;
  }

  async listQuotas(): Promise<AccountQuota[]> {
    return (stmt(this.db, `SELECT ${COLUMNS} FROM accounts ORDER BY address`).all() as QuotaRow[]).map(toQuota);
  }
}
