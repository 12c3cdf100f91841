// DKIM signing keys in PostgreSQL: one active key per domain, the newest added unless removed.
import type pg from 'pg';
import type { DkimAlgorithm, DkimKey, DkimKeyInfo, DkimKeyStore } from '../dkim-key-store.ts';
import { transaction } from './pool.ts';

interface Row {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  public_key: string;
  private_key: string;
  created_at: number;
  active: boolean;
}

const INFO_COLUMNS = 'domain, selector, algorithm, public_key, created_at, active';
const toInfo = (r: Omit<Row, 'private_key'>): DkimKeyInfo => ({ domain: r.domain, selector: r.selector, algorithm: r.algorithm, publicKey: r.public_key, createdAt: r.created_at, active: r.active });

export class PgDkimKeys implements DkimKeyStore {
  constructor(private readonly pool: pg.Pool) {}

  async addDkimKey(key: DkimKey): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      // The domain's rows are locked first so two nodes adding keys at once leave one active.
      await c.query('SELECT 1 FROM dkim_keys WHERE domain = $1 FOR UPDATE', [key.domain]);
      const inserted = await c.query(
        `INSERT INTO dkim_keys (domain, selector, algorithm, public_key, private_key, created_at, active) VALUES ($1, $2, $3, $4, $5, $6, false)
         ON CONFLICT (domain, selector) DO NOTHING`,
        [key.domain, key.selector, key.algorithm, key.publicKey, key.privateKeyPem, key.createdAt],
      );
      if ((inserted.rowCount ?? 0) === 0) return false;
      await c.query('UPDATE dkim_keys SET active = (selector = $2) WHERE domain = $1', [key.domain, key.selector]);
      return true;
    });
  }

  async removeDkimKey(domain: string, selector: string): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      await c.query('SELECT 1 FROM dkim_keys WHERE domain = $1 FOR UPDATE', [domain]);
      if (((await c.query('DELETE FROM dkim_keys WHERE domain = $1 AND selector = $2', [domain, selector])).rowCount ?? 0) === 0) return false;
      await c.query(
        `UPDATE dkim_keys SET active = true WHERE domain = $1 AND NOT EXISTS (SELECT 1 FROM dkim_keys WHERE domain = $1 AND active)
           AND selector = (SELECT selector FROM dkim_keys WHERE domain = $1 ORDER BY created_at DESC, selector COLLATE "C" DESC LIMIT 1)`,
        [domain],
      );
      return true;
    });
  }

  async listDkimKeys(domain?: string): Promise<DkimKeyInfo[]> {
    const rows =
      domain === undefined
        ? await this.pool.query<Row>(`SELECT ${INFO_COLUMNS} FROM dkim_keys ORDER BY domain COLLATE "C", created_at, selector COLLATE "C"`)
        : await this.pool.query<Row>(`SELECT ${INFO_COLUMNS} FROM dkim_keys WHERE domain = $1 ORDER BY created_at, selector COLLATE "C"`, [domain]);
    return rows.rows.map(toInfo);
  }

  async activeDkimKey(domain: string): Promise<DkimKey | null> {
    const r = (await this.pool.query<Row>('SELECT * FROM dkim_keys WHERE domain = $1 AND active', [domain])).rows[0];
    return r ? { ...toInfo(r), privateKeyPem: r.private_key } : null;
  }
}
