// DKIM signing keys in SQLite: one active key per domain, the newest added unless removed.
import type { DkimAlgorithm, DkimKey, DkimKeyInfo, DkimKeyStore } from '../dkim-key-store.ts';
import { stmt, type Db } from './open.ts';

interface Row {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  public_key: string;
  private_key: string;
  created_at: number;
  active: number;
}

const INFO_COLUMNS = 'domain, selector, algorithm, public_key, created_at, active';
const toInfo = (r: Omit<Row, 'private_key'>): DkimKeyInfo => ({
  domain: r.domain,
  selector: r.selector,
  algorithm: r.algorithm,
  publicKey: r.public_key,
  createdAt: r.created_at,
  active: r.active === 1,
});

export class SqliteDkimKeys implements DkimKeyStore {
  constructor(private readonly db: Db) {}

  async addDkimKey(key: DkimKey): Promise<boolean> {
    return this.db.transaction(() => {
      if (stmt(this.db, 'SELECT 1 FROM dkim_keys WHERE domain = ? AND selector = ?').get(key.domain, key.selector)) return false;
      stmt(this.db, 'UPDATE dkim_keys SET active = 0 WHERE domain = ?').run(key.domain);
      stmt(this.db, 'INSERT INTO dkim_keys (domain, selector, algorithm, public_key, private_key, created_at, active) VALUES (?, ?, ?, ?, ?, ?, 1)').run(
        key.domain,
        key.selector,
        key.algorithm,
        key.publicKey,
        key.privateKeyPem,
        key.createdAt,
      );
      return true;
    })();
  }

  async removeDkimKey(domain: string, selector: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (stmt(this.db, 'DELETE FROM dkim_keys WHERE domain = ? AND selector = ?').run(domain, selector).changes === 0) return false;
      if (!stmt(this.db, 'SELECT 1 FROM dkim_keys WHERE domain = ? AND active = 1').get(domain)) {
        stmt(this.db, 'UPDATE dkim_keys SET active = 1 WHERE rowid = (SELECT rowid FROM dkim_keys WHERE domain = ? ORDER BY created_at DESC, selector DESC LIMIT 1)').run(domain);
      }
      return true;
    })();
  }

  async listDkimKeys(domain?: string): Promise<DkimKeyInfo[]> {
    const rows =
      domain === undefined
        ? stmt(this.db, `SELECT ${INFO_COLUMNS} FROM dkim_keys ORDER BY domain, created_at, selector`).all()
        : stmt(this.db, `SELECT ${INFO_COLUMNS} FROM dkim_keys WHERE domain = ? ORDER BY created_at, selector`).all(domain);
    return (rows as Row[]).map(toInfo);
  }

  async activeDkimKey(domain: string): Promise<DkimKey | null> {
    const r = stmt(this.db, 'SELECT * FROM dkim_keys WHERE domain = ? AND active = 1').get(domain) as Row | undefined;
    return r ? { ...toInfo(r), privateKeyPem: r.private_key } : null;
  }
}
