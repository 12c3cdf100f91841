// The nodes table (migration 2): registration, heartbeats, the operator's desired state. Every time
// here is the database's clock (DB_NOW), so a node whose own clock is wrong is still judged rightly.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { NodeNameTakenError, type ClusterStore, type DesiredState, type Heartbeat, type NodeIdentity, type NodeRecord, type NodeReport, type NodeSessions } from '../cluster-store.ts';

/** Milliseconds since the epoch on the database's clock (clock_timestamp: now, not the transaction's start). */
const DB_NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

interface Row {
  name: string;
  token: string | null;
  version: string;
  schema_version: number;
  lease_ms: number;
  started_at: number;
  last_seen: number;
  running: boolean;
  desired: DesiredState;
  sessions: NodeSessions;
  now: number;
}

const toRecord = (r: Row): NodeRecord => ({
  name: r.name,
  version: r.version,
  schemaVersion: r.schema_version,
  startedAt: r.started_at,
  lastSeen: r.last_seen,
  up: r.token !== null && r.last_seen + r.lease_ms > r.now,
  stoppedCleanly: r.token === null,
  running: r.running,
  desired: r.desired,
  sessions: r.sessions,
});

export class PgNodes implements ClusterStore {
  constructor(private readonly pool: pg.Pool) {}

  async registerNode(identity: NodeIdentity, report: NodeReport): Promise<string> {
    const token = randomBytes(16).toString('hex');
    // One statement, so two processes starting under one name at once cannot both win: the update
    // happens only when the row's holder stopped cleanly or its heartbeat is older than its lease.
    const { rowCount } = await this.pool.query(
      `INSERT INTO nodes (name, token, version, schema_version, lease_ms, started_at, last_seen, running, desired, sessions)
       VALUES ($1, $2, $3, $4, $5, ${DB_NOW}, ${DB_NOW}, $6, $7, $8)
       ON CONFLICT (name) DO UPDATE SET token = excluded.token, version = excluded.version, schema_version = excluded.schema_version,
         lease_ms = excluded.lease_ms, started_at = excluded.started_at, last_seen = excluded.last_seen, running = excluded.running,
         desired = excluded.desired, sessions = excluded.sessions
       WHERE nodes.token IS NULL OR nodes.last_seen + nodes.lease_ms <= excluded.last_seen`,
      [identity.name, token, identity.version, identity.schemaVersion, identity.leaseMs, report.running, identity.desired, JSON.stringify(report.sessions)],
    );
    if (rowCount === 1) return token;
    const { rows } = await this.pool.query<{ ago: number }>(`SELECT ${DB_NOW} - last_seen AS ago FROM nodes WHERE name = $1`, [identity.name]);
    throw new NodeNameTakenError(identity.name, rows[0]?.ago ?? 0);
  }

  async heartbeat(name: string, token: string, report: NodeReport): Promise<Heartbeat> {
    const { rows } = await this.pool.query<{ desired: DesiredState; last_seen: number }>(
      `UPDATE nodes SET last_seen = ${DB_NOW}, running = $3, sessions = $4 WHERE name = $1 AND token = $2 RETURNING desired, last_seen`,
      [name, token, report.running, JSON.stringify(report.sessions)],
    );
    if (rows[0]) return { desired: rows[0].desired, databaseNow: rows[0].last_seen, stillOurs: true };
    const now = (await this.pool.query<{ now: number }>(`SELECT ${DB_NOW} AS now`)).rows[0]!.now;
    return { desired: report.running ? 'running' : 'stopped', databaseNow: now, stillOurs: false };
  }

  async desiredState(name: string): Promise<DesiredState | null> {
    return (await this.pool.query<{ desired: DesiredState }>('SELECT desired FROM nodes WHERE name = $1', [name])).rows[0]?.desired ?? null;
  }

  async unregisterNode(name: string, token: string): Promise<void> {
    await this.pool.query(`UPDATE nodes SET token = NULL, running = false, last_seen = ${DB_NOW}, sessions = $3 WHERE name = $1 AND token = $2`, [
      name,
      token,
      JSON.stringify({ smtp: 0, submission: 0, pop3: 0, imap: 0 }),
    ]);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return (await this.pool.query<Row>(`SELECT *, ${DB_NOW} AS now FROM nodes ORDER BY name COLLATE "C"`)).rows.map(toRecord);
  }

  async forgetNode(name: string): Promise<'forgotten' | 'up' | 'unknown'> {
    // One statement: a node that registers again meanwhile is not deleted under it.
    const { rowCount } = await this.pool.query(`DELETE FROM nodes WHERE name = $1 AND (token IS NULL OR last_seen + lease_ms <= ${DB_NOW})`, [name]);
    if ((rowCount ?? 0) > 0) return 'forgotten';
    return (await this.pool.query('SELECT 1 FROM nodes WHERE name = $1', [name])).rowCount ? 'up' : 'unknown';
  }

  async setDesiredState(name: string, desired: DesiredState): Promise<boolean> {
    return ((await this.pool.query('UPDATE nodes SET desired = $2 WHERE name = $1', [name, desired])).rowCount ?? 0) > 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async databaseSettings(): Promise<{ synchronousCommit: string; databaseDefault: string | null }> {
    // The session value is what our commits use (pool.ts sets it on); the database's or role's own
    // default (ALTER DATABASE/ROLE ... SET) is what every other client of this database gets.
    const { rows } = await this.pool.query<{ session: string; configured: string | null }>(
      `SELECT current_setting('synchronous_commit') AS session,
         (SELECT substring(c FROM '^synchronous_commit=(.*)$') FROM pg_db_role_setting s, unnest(s.setconfig) c
           WHERE c LIKE 'synchronous_commit=%'
             AND s.setdatabase IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
             AND s.setrole IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user))
           ORDER BY s.setdatabase <> 0 AND s.setrole <> 0 DESC, s.setrole <> 0 DESC LIMIT 1) AS configured`,
    );
    return { synchronousCommit: rows[0]!.session, databaseDefault: rows[0]!.configured };
  }
}
