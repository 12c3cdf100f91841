// Distribution lists and catch-alls in PostgreSQL (list-store.ts). Addresses are kept lower-case.
import type pg from 'pg';
import { domainOf } from '../../util/address.ts';
import type { DistributionList, ListSenderPolicy, ListStore } from '../list-store.ts';
import { StoreError } from '../store-error.ts';
import { sqlState, transaction, UNIQUE_VIOLATION } from './pool.ts';

interface ListRow {
  address: string;
  policy: ListSenderPolicy;
  created_at: string | number;
  members: string[] | null;
}

const toList = (r: ListRow): DistributionList => ({ address: r.address, policy: r.policy, members: r.members ?? [], createdAt: Number(r.created_at) });

const LIST_SELECT = `SELECT l.address, l.policy, l.created_at,
  (SELECT array_agg(m.member ORDER BY m.member COLLATE "C") FROM list_members m WHERE m.list = l.address) AS members
  FROM lists l`;

export class PgLists implements ListStore {
  constructor(private readonly pool: pg.Pool) {}

  async addList(address: string, policy: ListSenderPolicy, createdAt: number): Promise<void> {
    const list = address.toLowerCase();
    const domain = domainOf(list);
    const taken = () => new StoreError('conflict', `${list} already exists as an account, alias or list`);
    try {
      await transaction(this.pool, async (c) => {
        // FOR KEY SHARE: the domain cannot be removed until this transaction ends.
        if ((await c.query('SELECT 1 FROM domains WHERE name = $1 FOR KEY SHARE', [domain])).rowCount === 0) {
          throw new StoreError('invalid', `domain ${domain} is not a local domain; add it first`);
        }
        const used = await c.query('SELECT 1 FROM accounts WHERE lower(address) = $1 UNION ALL SELECT 1 FROM aliases WHERE lower(address) = $1 UNION ALL SELECT 1 FROM lists WHERE address = $1', [
          list,
        ]);
        if ((used.rowCount ?? 0) > 0) throw taken();
        await c.query('INSERT INTO lists (address, domain, policy, created_at) VALUES ($1, $2, $3, $4)', [list, domain, policy, createdAt]);
      });
    } catch (err) {
      if (sqlState(err) === UNIQUE_VIOLATION) throw taken();
      throw err;
    }
  }

  async removeList(address: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM lists WHERE address = $1', [address.toLowerCase()])).rowCount ?? 0) > 0;
  }

  async setListPolicy(address: string, policy: ListSenderPolicy): Promise<boolean> {
    return ((await this.pool.query('UPDATE lists SET policy = $1 WHERE address = $2', [policy, address.toLowerCase()])).rowCount ?? 0) > 0;
  }

  async addListMember(list: string, member: string): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      if ((await c.query('SELECT 1 FROM lists WHERE address = $1 FOR KEY SHARE', [list.toLowerCase()])).rowCount === 0) throw new StoreError('not_found', `no list ${list}`);
      const { rowCount } = await c.query('INSERT INTO list_members (list, member) VALUES ($1, $2) ON CONFLICT DO NOTHING', [list.toLowerCase(), member.toLowerCase()]);
      return (rowCount ?? 0) > 0;
    });
  }

  async removeListMember(list: string, member: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM list_members WHERE list = $1 AND member = $2', [list.toLowerCase(), member.toLowerCase()])).rowCount ?? 0) > 0;
  }

  async listLists(): Promise<DistributionList[]> {
    return (await this.pool.query<ListRow>(`${LIST_SELECT} ORDER BY l.address COLLATE "C"`)).rows.map(toList);
  }

  async findList(address: string): Promise<DistributionList | null> {
    const { rows } = await this.pool.query<ListRow>(`${LIST_SELECT} WHERE l.address = $1`, [address.toLowerCase()]);
    return rows[0] ? toList(rows[0]) : null;
  }

  async setCatchAll(domain: string, target: string | null): Promise<void> {
    const { rowCount } = await this.pool.query('UPDATE domains SET catch_all = $1 WHERE name = lower($2)', [target?.toLowerCase() ?? null, domain]);
    if (!rowCount) throw new StoreError('not_found', `domain ${domain} is not a local domain`);
  }

  async findCatchAll(domain: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ catch_all: string | null }>('SELECT catch_all FROM domains WHERE name = lower($1)', [domain]);
    return rows[0]?.catch_all ?? null;
  }

  async listCatchAlls(): Promise<Array<{ domain: string; target: string }>> {
    return (await this.pool.query<{ domain: string; target: string }>('SELECT name AS domain, catch_all AS target FROM domains WHERE catch_all IS NOT NULL ORDER BY name COLLATE "C"')).rows;
  }
}
