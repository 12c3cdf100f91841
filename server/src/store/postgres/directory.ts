// Domains, accounts and aliases in PostgreSQL. Addresses compare case-insensitively (lower(address),
// which the unique indexes cover); domains are stored lower-case.
import type pg from 'pg';
import type { DirectoryStore } from '../store.ts';
import type { Account, Alias } from '../types.ts';
import { DEFAULT_MAILBOXES } from '../default-mailboxes.ts';
import { StoreError } from '../store-error.ts';
import { domainOf } from '../../util/address.ts';
import { prepared, sqlState, transaction, UNIQUE_VIOLATION } from './pool.ts';
import { nextUidValidity } from './mailbox-folders.ts';

interface AccountRow {
  id: number;
  address: string;
  password_hash: string;
  created_at: number;
}
const toAccount = (r: AccountRow): Account => ({ id: r.id, address: r.address, passwordHash: r.password_hash, createdAt: r.created_at });

const taken = (address: string) => new StoreError('conflict', `${address} already exists as an account, alias or list`);

export class PgDirectory implements DirectoryStore {
  constructor(private readonly pool: pg.Pool) {}

  async addDomain(name: string): Promise<void> {
    const { rowCount } = await this.pool.query('INSERT INTO domains (name, created_at) VALUES (lower($1), $2) ON CONFLICT DO NOTHING', [name, Date.now()]);
    if (rowCount === 0) throw new StoreError('conflict', `domain ${name} already exists`);
  }

  async removeDomain(name: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM domains WHERE name = lower($1)', [name])).rowCount ?? 0) > 0;
  }

  async listDomains(): Promise<string[]> {
    return (await this.pool.query<{ name: string }>('SELECT name FROM domains ORDER BY name COLLATE "C"')).rows.map((r) => r.name);
  }

  async isLocalDomain(name: string): Promise<boolean> {
    return ((await this.pool.query(prepared('directory-has-domain', 'SELECT 1 FROM domains WHERE name = lower($1)', [name]))).rowCount ?? 0) > 0;
  }

  async addAccount(address: string, passwordHash: string): Promise<Account> {
    const domain = domainOf(address);
    try {
      return await transaction(this.pool, async (c) => {
        await this.checkFree(c, address, domain);
        const now = Date.now();
        const { rows } = await c.query<{ id: number }>('INSERT INTO accounts (address, domain, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [address, domain, passwordHash, now]);
        const id = rows[0]!.id;
        const uidValidity = await nextUidValidity(c, id);
        const names = DEFAULT_MAILBOXES.map(([name]) => name);
        await c.query('INSERT INTO mailboxes (account_id, name, special_use, uid_validity) SELECT $1, n, s, $4 FROM unnest($2::text[], $3::text[]) AS t(n, s)', [
          id,
          names,
          DEFAULT_MAILBOXES.map(([, specialUse]) => specialUse),
          uidValidity,
        ]);
        // The default folders start subscribed (an IMAP CREATE does not subscribe).
        await c.query('INSERT INTO mailbox_subscriptions (account_id, name) SELECT $1, unnest($2::text[])', [id, names]);
        return { id, address, passwordHash, createdAt: now };
      });
    } catch (err) {
      // Two nodes adding the same address at once: the unique index decides.
      if (sqlState(err) === UNIQUE_VIOLATION) throw taken(address);
      throw err;
    }
  }

  async removeAccount(address: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM accounts WHERE lower(address) = lower($1)', [address])).rowCount ?? 0) > 0;
  }

  async setPassword(address: string, passwordHash: string): Promise<boolean> {
    return ((await this.pool.query('UPDATE accounts SET password_hash = $1 WHERE lower(address) = lower($2)', [passwordHash, address])).rowCount ?? 0) > 0;
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.pool.query<AccountRow>('SELECT id, address, password_hash, created_at FROM accounts ORDER BY lower(address) COLLATE "C"')).rows.map(toAccount);
  }

  async findAccount(address: string): Promise<Account | null> {
    const { rows } = await this.pool.query<AccountRow>(prepared('directory-find-account', 'SELECT id, address, password_hash, created_at FROM accounts WHERE lower(address) = lower($1)', [address]));
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async addAlias(address: string, target: string): Promise<void> {
    const domain = domainOf(address);
    try {
      await transaction(this.pool, async (c) => {
        await this.checkFree(c, address, domain);
        await c.query('INSERT INTO aliases (address, target, domain) VALUES ($1, $2, $3)', [address, target, domain]);
      });
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw taken(address);
      throw err;
    }
  }

  async removeAlias(address: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM aliases WHERE lower(address) = lower($1)', [address])).rowCount ?? 0) > 0;
  }

  async listAliases(): Promise<Alias[]> {
    return (await this.pool.query<Alias>('SELECT address, target FROM aliases ORDER BY lower(address) COLLATE "C"')).rows;
  }

  async findAlias(address: string): Promise<Alias | null> {
    return (await this.pool.query<Alias>(prepared('directory-find-alias', 'SELECT address, target FROM aliases WHERE lower(address) = lower($1)', [address]))).rows[0] ?? null;
  }

  /** The domain must be local and the address free as an account, an alias and a list. */
  private async checkFree(c: pg.PoolClient, address: string, domain: string): Promise<void> {
    // FOR KEY SHARE: the domain cannot be removed until this transaction ends.
    if ((await c.query('SELECT 1 FROM domains WHERE name = $1 FOR KEY SHARE', [domain])).rowCount === 0) {
      throw new StoreError('invalid', `domain ${domain} is not a local domain; add it first`);
    }
    const used = await c.query(
      'SELECT 1 FROM accounts WHERE lower(address) = lower($1) UNION ALL SELECT 1 FROM aliases WHERE lower(address) = lower($1) UNION ALL SELECT 1 FROM lists WHERE address = lower($1)',
      [address],
    );
    if ((used.rowCount ?? 0) > 0) throw taken(address);
  }
}
