// Routes in SQLite (route-store.ts).
import { DEFAULT_ROUTE_DOMAIN, type Route, type RouteStore } from '../route-store.ts';
import { stmt, type Db } from './open.ts';

interface Row {
  domain: string;
  host: string;
  port: number;
  security: Route['security'];
  username: string | null;
  password: string | null;
  created_at: number;
}

const toRoute = (r: Row): Route => ({ domain: r.domain, host: r.host, port: r.port, security: r.security, username: r.username, password: r.password, createdAt: r.created_at });

export class SqliteRoutes implements RouteStore {
  constructor(private readonly db: Db) {}

  async setRoute(route: Route): Promise<void> {
    stmt(this.db, 'INSERT OR REPLACE INTO routes (domain, host, port, security, username, password, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      route.domain.toLowerCase(),
      route.host,
      route.port,
      route.security,
      route.username,
      route.password,
      route.createdAt,
    );
  }

  async removeRoute(domain: string): Promise<boolean> {
    return stmt(this.db, 'DELETE FROM routes WHERE domain = ?').run(domain.toLowerCase()).changes > 0;
  }

  async listRoutes(): Promise<Route[]> {
    return (stmt(this.db, "SELECT * FROM routes ORDER BY domain <> '*', domain").all() as Row[]).map(toRoute);
  }

  async findRoute(domain: string): Promise<Route | null> {
    const row = stmt(this.db, 'SELECT * FROM routes WHERE domain IN (?, ?) ORDER BY domain = ? LIMIT 1').get(domain.toLowerCase(), DEFAULT_ROUTE_DOMAIN, DEFAULT_ROUTE_DOMAIN) as Row | undefined;
    return row ? toRoute(row) : null;
  }
}
