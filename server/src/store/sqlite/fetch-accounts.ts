// External POP3 accounts in SQLite, and the UIDLs already delivered from each (so a restart never
// downloads a message twice).
import type { FetchAccount, FetchAccountSettings, FetchAccountStore, NewFetchAccount } from '../fetch-account-store.ts';
import { StoreError } from './directory.ts';
import { stmt, type Db } from './open.ts';

interface Row {
  id: number;
  account_id: number;
  account_address: string;
  host: string;
  port: number;
  security: FetchAccount['security'];
  verify_tls: number;
  username: string;
  password: string;
  interval_seconds: number;
  keep_on_server: number;
  enabled: number;
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
  verifyTls: r.verify_tls === 1,
  username: r.username,
  password: r.password,
  intervalSeconds: r.interval_seconds,
  keepOnServer: r.keep_on_server === 1,
  enabled: r.enabled === 1,
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

const sqlValue = (v: unknown) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

export class SqliteFetchAccounts implements FetchAccountStore {
  constructor(private readonly db: Db) {}

  async addFetchAccount(a: NewFetchAccount, now: number): Promise<FetchAccount> {
    if (!stmt(this.db, 'SELECT 1 FROM accounts WHERE id = ?').get(a.accountId)) throw new StoreError('not_found', 'local account not found');
    const id = Number(
      stmt(
        this.db,
        `INSERT INTO fetch_accounts (account_id, host, port, security, verify_tls, username, password, interval_seconds, keep_on_server, enabled, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(a.accountId, a.host, a.port, a.security, sqlValue(a.verifyTls), a.username, a.password, a.intervalSeconds, sqlValue(a.keepOnServer), sqlValue(a.enabled), now).lastInsertRowid,
    );
    return (await this.getFetchAccount(id))!;
  }

  async updateFetchAccount(id: number, changes: Partial<FetchAccountSettings>): Promise<FetchAccount | null> {
    const keys = (Object.keys(changes) as Array<keyof FetchAccountSettings>).filter((k) => k in COLUMNS && changes[k] !== undefined);
    if (keys.length > 0) {
      // A small bounded set of texts (one per combination of changed settings), fine for the statement cache.
      const sql = `UPDATE fetch_accounts SET ${keys.map((k) => `${COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`;
      stmt(this.db, sql).run(...keys.map((k) => sqlValue(changes[k])), id);
    }
    return this.getFetchAccount(id);
  }

  async removeFetchAccount(id: number): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM fetch_accounts WHERE id = ?').run(id).changes > 0;
  }

  async getFetchAccount(id: number): Promise<FetchAccount | null> {
    const row = stmt(this.db, `${SELECT} WHERE f.id = ?`).get(id) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  async listFetchAccounts(): Promise<FetchAccount[]> {
    return (stmt(this.db, `${SELECT} ORDER BY f.id`).all() as Row[]).map(toAccount);
  }

  async recordFetchRun(id: number, at: number, error: string | null, delivered: number): Promise<void> {
    stmt(this.db, 'UPDATE fetch_accounts SET last_run_at = ?, last_error = ?, fetched_total = fetched_total + ? WHERE id = ?').run(at, error, delivered, id);
  }

  async fetchedUidls(id: number): Promise<Set<string>> {
    return new Set(stmt(this.db, 'SELECT uidl FROM fetch_uidls WHERE fetch_account_id = ?').pluck().all(id) as string[]);
  }

  async rememberUidl(id: number, uidl: string, at: number): Promise<void> {
    stmt(this.db, 'INSERT OR IGNORE INTO fetch_uidls (fetch_account_id, uidl, fetched_at) VALUES (?, ?, ?)').run(id, uidl, at);
  }

  async forgetUidlsExcept(id: number, listed: ReadonlySet<string>): Promise<number> {
    const known = await this.fetchedUidls(id);
    const gone = [...known].filter((u) => !listed.has(u));
    if (gone.length === 0) return 0;
    const del = stmt(this.db, 'DELETE FROM fetch_uidls WHERE fetch_account_id = ? AND uidl = ?');
    this.db.transaction(() => gone.forEach((u) => del.run(id, u))).immediate();
    return gone.length;
  }
}
