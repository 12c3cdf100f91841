// Distribution lists and catch-alls in SQLite (list-store.ts). Addresses are kept lower-case.
import { domainOf } from '../../util/address.ts';
import type { DistributionList, ListSenderPolicy, ListStore } from '../list-store.ts';
import { StoreError } from '../store-error.ts';
import { stmt, type Db } from './open.ts';

interface ListRow {
  address: string;
  policy: ListSenderPolicy;
  created_at: number;
}

export class SqliteLists implements ListStore {
  constructor(private readonly db: Db) {}

  async addList(address: string, policy: ListSenderPolicy, createdAt: number): Promise<void> {
    const list = address.toLowerCase();
    const domain = domainOf(list);
    this.db
      .transaction(() => {
        if (!stmt(this.db, 'SELECT 1 FROM domains WHERE name = ?').get(domain)) throw new StoreError('invalid', `domain ${domain} is not a local domain; add it first`);
        if (stmt(this.db, 'SELECT 1 FROM accounts WHERE address = ? UNION SELECT 1 FROM aliases WHERE address = ? UNION SELECT 1 FROM lists WHERE address = ?').get(list, list, list)) {
          throw new StoreError('conflict', `${list} already exists as an account, alias or list`);
        }
        stmt(this.db, 'INSERT INTO lists (address, domain, policy, created_at) VALUES (?, ?, ?, ?)').run(list, domain, policy, createdAt);
      })
      .immediate();
  }

  async removeList(address: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM lists WHERE address = ?').run(address.toLowerCase()).changes > 0;
  }

  async setListPolicy(address: string, policy: ListSenderPolicy): Promise<boolean> {
    return stmt(this.db, 'UPDATE lists SET policy = ? WHERE address = ?').run(policy, address.toLowerCase()).changes > 0;
  }

  async addListMember(list: string, member: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (!stmt(this.db, 'SELECT 1 FROM lists WHERE address = ?').get(list.toLowerCase())) throw new StoreError('not_found', `no list ${list}`);
        return stmt(this.db, 'INSERT OR IGNORE INTO list_members (list, member) VALUES (?, ?)').run(list.toLowerCase(), member.toLowerCase()).changes > 0;
      })
      .immediate();
  }

  async removeListMember(list: string, member: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM list_members WHERE list = ? AND member = ?').run(list.toLowerCase(), member.toLowerCase()).changes > 0;
  }

  async listLists(): Promise<DistributionList[]> {
    const rows = stmt(this.db, 'SELECT address, policy, created_at FROM lists ORDER BY address').all() as ListRow[];
    return rows.map((r) => this.withMembers(r));
  }

  async findList(address: string): Promise<DistributionList | null> {
    const row = stmt(this.db, 'SELECT address, policy, created_at FROM lists WHERE address = ?').get(address.toLowerCase()) as ListRow | undefined;
    return row ? this.withMembers(row) : null;
  }

  async setCatchAll(domain: string, target: string | null): Promise<void> {
    const changed = stmt(this.db, 'UPDATE domains SET catch_all = ? WHERE name = ?').run(target?.toLowerCase() ?? null, domain.toLowerCase()).changes;
    if (changed === 0) throw new StoreError('not_found', `domain ${domain} is not a local domain`);
  }

  async findCatchAll(domain: string): Promise<string | null> {
    return (stmt(this.db, 'SELECT catch_all FROM domains WHERE name = ?').pluck().get(domain.toLowerCase()) as string | null | undefined) ?? null;
  }

  async listCatchAlls(): Promise<Array<{ domain: string; target: string }>> {
    return stmt(this.db, 'SELECT lower(name) AS domain, catch_all AS target FROM domains WHERE catch_all IS NOT NULL ORDER BY lower(name)').all() as Array<{ domain: string; target: string }>;
  }

  private withMembers(r: ListRow): DistributionList {
    const members = stmt(this.db, 'SELECT member FROM list_members WHERE list = ? ORDER BY member').pluck().all(r.address) as string[];
    return { address: r.address, policy: r.policy, members, createdAt: r.created_at };
  }
}
