// Routes in PostgreSQL (route-store.ts). Every node reads them at each delivery attempt, so a change
// applies cluster-wide at the next attempt without an announcement.
import type pg from 'pg';
import { DEFAULT_ROUTE_DOMAIN, type Route, type RouteStore } from '../route-store.ts';

interface Row {
  domain: string;
  host: string;
  port: number;
  security: Route['security'];
  username: string | null;
  password: string | null;
  created_at: string | number;
}

const toRoute = (r: Row): Route => ({ domain: r.domain, host: r.host, port: r.port, security: r.security, username: r.username, password: r.password, createdAt: Number(r.created_at) });

export class PgRoutes implements RouteStore {
  constructor(private readonly pool: pg.Pool) {}

  async setRoute(route: Route): Promise<void> {
    await this.pool.query(
      `INSERT INTO routes (domain, host, port, security, username, password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (domain) DO UPDATE SET host = excluded.host, port = excluded.port, security = excluded.security,
         username = excluded.username, password = excluded.password, created_at = excluded.created_at`,
      [route.domain.toLowerCase(), route.host, route.port, route.security, route.username, route.password, route.createdAt],
    );
  }

  async removeRoute(domain: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM routes WHERE domain = $1', [domain.toLowerCase()])).rowCount ?? 0) > 0;
  }

  async listRoutes(): Promise<Route[]> {
    return (await this.pool.query<Row>(`SELECT * FROM routes ORDER BY domain <> '*', domain COLLATE "C"`)).rows.map(toRoute);
  }

  async findRoute(domain: string): Promise<Route | null> {
    const { rows } = await this.pool.query<Row>('SELECT * FROM routes WHERE domain IN ($1, $2) ORDER BY domain = $2 LIMIT 1', [domain.toLowerCase(), DEFAULT_ROUTE_DOMAIN]);
    return rows[0] ? toRoute(rows[0]) : null;
  }
}
