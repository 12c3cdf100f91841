// Domains, accounts and aliases in SQLite. Addresses compare case-insensitively (COLLATE NOCASE).
import type { DirectoryStore } from '../store.ts';
import type { Account, Alias } from '../types.ts';
import { domainOf } from '../../util/address.ts';
import { stmt, type Db } from './open.ts';

import { DEFAULT_MAILBOXES } from '../default-mailboxes.ts';
import { StoreError } from '../store-error.ts';

export { StoreError, DEFAULT_MAILBOXES };

interface AccountRow {
  id: number;
  address: string;
  password_hash: string;
  created_at: number;
}
const toAccount = (r: AccountRow): Account => ({ id: r.id, address: r.address, passwordHash: r.password_hash, createdAt: r.created_at });

export class SqliteDirectory implements DirectoryStore {
  constructor(private readonly db: Db) {}

  async addDomain(name: string): Promise<void> {
    const exists = stmt(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(name);
    if (exists) throw new StoreError('conflict', `domain ${name} already exists`);
    stmt(this.db, 'INSERT INTO domains (name, created_at) VALUES (?, ?)').run(name.toLowerCase(), Date.now());
  }

  async removeDomain(name: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM domains WHERE name = ?').run(name).changes > 0;
  }

  async listDomains(): Promise<string[]> {
    return stmt(this.db, 'SELECT name FROM domains ORDER BY name').pluck().all() as string[];
  }

  async isLocalDomain(name: string): Promise<boolean> {
    return stmt(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(name) !== undefined;
  }

  async addAccount(address: string, passwordHash: string): Promise<Account> {
    const domain = domainOf(address);
    return this.db
      .transaction(() => {
        if (!stmt(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(domain)) {
          throw new StoreError('invalid', `domain ${domain} is not a local domain; add it first`);
        }
        if (stmt(this.db, 'SELECT 1 FROM accounts WHERE address = ? UNION SELECT 1 FROM aliases WHERE address = ? UNION SELECT 1 FROM lists WHERE address = lower(?)').get(address, address, address)) {
          throw new StoreError('conflict', `${address} already exists as an account, alias or list`);
        }
        const now = Date.now();
        const id = Number(stmt(this.db, 'INSERT INTO accounts (address, domain, password_hash, created_at) VALUES (?, ?, ?, ?)').run(address, domain, passwordHash, now).lastInsertRowid);
        const insertMailbox = stmt(this.db, 'INSERT INTO mailboxes (account_id, name, special_use, uid_validity) VALUES (?, ?, ?, ?)');
        const uidValidity = Math.floor(now / 1000);
        for (const [name, specialUse] of DEFAULT_MAILBOXES) insertMailbox.run(id, name, specialUse, uidValidity);
        return { id, address, passwordHash, createdAt: now };
      })
      .immediate();
  }

  async removeAccount(address: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM accounts WHERE address = ?').run(address).changes > 0;
  }

  async setPassword(address: string, passwordHash: string): Promise<boolean> {
    return stmt(this.db, 'UPDATE accounts SET password_hash = ? WHERE address = ?').run(passwordHash, address).changes > 0;
  }

  async listAccounts(): Promise<Account[]> {
    return (stmt(this.db, 'SELECT * FROM accounts ORDER BY address').all() as AccountRow[]).map(toAccount);
  }

  async findAccount(address: string): Promise<Account | null> {
    const row = stmt(this.db, 'SELECT * FROM accounts WHERE address = ?').get(address) as AccountRow | undefined;
    return row ? toAccount(row) : null;
  }

  async addAlias(address: string, target: string): Promise<void> {
    const domain = domainOf(address);
    this.db
      .transaction(() => {
        if (!stmt(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(domain)) {
          throw new StoreError('invalid', `domain ${domain} is not a local domain; add it first`);
        }
        if (stmt(this.db, 'SELECT 1 FROM accounts WHERE address = ? UNION SELECT 1 FROM aliases WHERE address = ? UNION SELECT 1 FROM lists WHERE address = lower(?)').get(address, address, address)) {
          throw new StoreError('conflict', `${address} already exists as an account, alias or list`);
        }
        stmt(this.db, 'INSERT INTO aliases (address, target, domain) VALUES (?, ?, ?)').run(address, target, domain);
      })
      .immediate();
  }

  async removeAlias(address: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM aliases WHERE address = ?').run(address).changes > 0;
  }

  async listAliases(): Promise<Alias[]> {
    return stmt(this.db, 'SELECT address, target FROM aliases ORDER BY address').all() as Alias[];
  }

  async findAlias(address: string): Promise<Alias | null> {
    return (stmt(this.db, 'SELECT address, target FROM aliases WHERE address = ?').get(address) as Alias | undefined) ?? null;
  }
}
