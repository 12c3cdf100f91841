// External POP3 accounts in PostgreSQL, and the UIDLs already delivered from each (so a restart never
// downloads a message twice).
import type pg from 'pg';
import type { FetchAccount, FetchAccountSettings, FetchAccountStore, NewFetchAccount } from '../fetch-account-store.ts';
import { StoreError } from '../store-error.ts';
import { FOREIGN_KEY_VIOLATION, sqlState } from './pool.ts';

interface Row {
  id: number;
  account_id: number;
  account_address: string;
  host: string;
  port: number;
  security: FetchAccount['security'];
  verify_tls: boolean;
  username: string;
  password: string;
  interval_seconds: number;
  keep_on_server: boolean;
  enabled: boolean;
  created_at: number;
  last_run_at: number | null;
  last_error: string | null;
  fetched_total: number;
}

const SELECT = 'SELECT f.*, a.address AS account_address FROM fetch_accounts f JOIN accounts a ON a.id = f.account_id';

const toAccount = (r: Row): FetchAccount => ({
  id: r.id,
  accountId: r.account_id,
  accountAddress: r.account_address,
  host: r.host,
  port: r.port,
  security: r.security,
  verifyTls: r.verify_tls,
  username: r.username,
  password: r.password,
  intervalSeconds: r.interval_seconds,
  keepOnServer: r.keep_on_server,
  enabled: r.enabled,
  createdAt: r.created_at,
  lastRunAt: r.last_run_at,
  lastError: r.last_error,
  fetchedTotal: r.fetched_total,
});

/** Setting name to column; the only column names an UPDATE is built from. */
const COLUMNS: Record<keyof FetchAccountSettings, string> = {
  host: 'host',
  port: 'port',
  security: 'security',
  verifyTls: 'verify_tls',
  username: 'username',
  password: 'password',
  intervalSeconds: 'interval_seconds',
  keepOnServer: 'keep_on_server',
  enabled: 'enabled',
};

export class PgFetchAccounts implements FetchAccountStore {
  constructor(private readonly pool: pg.Pool) {}

  async addFetchAccount(a: NewFetchAccount, now: number): Promise<FetchAccount> {
    let id: number;
    try {
      const { rows } = await this.pool.query<{ id: number }>(
        `INSERT INTO fetch_accounts (account_id, host, port, security, verify_tls, username, password, interval_seconds, keep_on_server, enabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [a.accountId, a.host, a.port, a.security, a.verifyTls, a.username, a.password, a.intervalSeconds, a.keepOnServer, a.enabled, now],
      );
      id = rows[0]!.id;
    } catch (err) {
      if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw new StoreError('not_found', 'local account not found');
      throw err;
    }
    return (await this.getFetchAccount(id))!;
  }

  async updateFetchAccount(id: number, changes: Partial<FetchAccountSettings>): Promise<FetchAccount | null> {
    const keys = (Object.keys(changes) as Array<keyof FetchAccountSettings>).filter((k) => k in COLUMNS && changes[k] !== undefined);
    if (keys.length > 0) {
      const sql = `UPDATE fetch_accounts SET ${keys.map((k, i) => `${COLUMNS[k]} = $${i + 1}`).join(', ')} WHERE id = $${keys.length + 1}`;
      await this.pool.query(sql, [...keys.map((k) => changes[k]), id]);
    }
    return this.getFetchAccount(id);
  }

  async removeFetchAccount(id: number): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM fetch_accounts WHERE id = $1', [id])).rowCount ?? 0) > 0;
  }

  async getFetchAccount(id: number): Promise<FetchAccount | null> {
    const row = (await this.pool.query<Row>(`${SELECT} WHERE f.id = $1`, [id])).rows[0];
    return row ? toAccount(row) : null;
  }

  async listFetchAccounts(): Promise<FetchAccount[]> {
    return (await this.pool.query<Row>(`${SELECT} ORDER BY f.id`)).rows.map(toAccount);
  }

  async recordFetchRun(id: number, at: number, error: string | null, delivered: number): Promise<void> {
    await this.pool.query('UPDATE fetch_accounts SET last_run_at = $1, last_error = $2, fetched_total = fetched_total + $3 WHERE id = $4', [at, error, delivered, id]);
  }

  async fetchedUidls(id: number): Promise<Set<string>> {
    return new Set((await this.pool.query<{ uidl: string }>('SELECT uidl FROM fetch_uidls WHERE fetch_account_id = $1', [id])).rows.map((r) => r.uidl));
  }

  async rememberUidl(id: number, uidl: string, at: number): Promise<void> {
    await this.pool.query('INSERT INTO fetch_uidls (fetch_account_id, uidl, fetched_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [id, uidl, at]);
  }

  async forgetUidlsExcept(id: number, listed: ReadonlySet<string>): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM fetch_uidls WHERE fetch_account_id = $1 AND NOT (uidl = ANY($2::text[]))', [id, [...listed]]);
    return rowCount ?? 0;
  }
}
