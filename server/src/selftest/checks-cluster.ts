// Warnings about the nodes sharing a PostgreSQL database (issue 15): a node that stopped heartbeating,
// this node's clock off the database's, nodes built for different schema versions, the database reached
// without TLS over the network, and synchronous_commit off. On SQLite only the first three can apply,
// and none does (one node, the database's clock is this one).
import { isLoopback } from '../config/validators.ts';
import type { ClusterStore } from '../store/cluster-store.ts';
import { isPostgresUrl, parsePostgresUrl } from '../store/postgres/url.ts';
import type { Warning } from './warning.ts';

/** Beyond this, times one node writes (leases, next attempts, bans) mean something else to another. */
export const MAX_CLOCK_SKEW_MS = 2_000;

export interface ClusterCheckDeps {
  cluster: Pick<ClusterStore, 'listNodes' | 'databaseSettings'>;
  /** This node's name. */
  self: string;
  /** The schema version this build knows. */
  schemaVersion: number;
  /** This node's clock minus the database's at the last heartbeat; null before the first. */
  clockSkewMs: () => number | null;
  databaseUrl: string | undefined;
}

export function clusterWarnings(deps: ClusterCheckDeps): () => Promise<Warning[]> {
  return async () => {
    const nodes = await deps.cluster.listNodes();
    const warnings: Warning[] = [];
    // A node stopped cleanly was stopped on purpose (its name is free): listed as down, not a warning.
    const down = nodes.filter((n) => !n.up && !n.stoppedCleanly);
    if (down.length > 0) {
      warnings.push({
        id: 'cluster_node_down',
        severity: 'high',
        message: `Node(s) stopped heartbeating without a clean stop: ${down.map((n) => `${n.name} (last seen ${new Date(n.lastSeen).toISOString()})`).join(', ')}. The other nodes take over their queue work once the leases run out.`,
        remedy: 'Find out why the node died (its log, the machine) and start it again; a node retired for good is stopped cleanly (SIGTERM) so it is not reported.',
      });
    }
    const skew = deps.clockSkewMs();
    if (skew !== null && Math.abs(skew) > MAX_CLOCK_SKEW_MS) {
      warnings.push({
        id: 'cluster_clock_skew',
        severity: 'medium',
        message: `This node's clock is ${(Math.abs(skew) / 1000).toFixed(1)} s ${skew > 0 ? 'ahead of' : 'behind'} the database's (more than ${MAX_CLOCK_SKEW_MS / 1000} s): retry times, bans and lease expiries written by one node mean another time to the others.`,
        remedy: 'Run NTP (chrony, systemd-timesyncd) on every node and on the database host.',
      });
    }
    const live = nodes.filter((n) => n.up || n.name === deps.self);
    const newest = Math.max(deps.schemaVersion, ...live.map((n) => n.schemaVersion));
    const older = live.filter((n) => n.schemaVersion < newest).map((n) => n.name);
    if (deps.schemaVersion < newest && !older.includes(deps.self)) older.push(deps.self);
    if (older.length > 0) {
      warnings.push({
        id: 'cluster_schema_older',
        severity: 'high',
        message: `Node(s) ${older.join(', ')} know an older schema (${Math.min(...live.map((n) => n.schemaVersion), deps.schemaVersion)}) than another node (${newest}): code that predates a schema change may write rows the newer code does not expect.`,
        remedy: 'Upgrade every node to the same Mailroom version (one at a time: a node refuses to start on a schema newer than it knows).',
      });
    }
    if (deps.databaseUrl && isPostgresUrl(deps.databaseUrl)) warnings.push(...plaintextDatabaseWarnings(deps.databaseUrl));
    const settings = await deps.cluster.databaseSettings();
    if (settings) warnings.push(...synchronousCommitWarnings(settings.synchronousCommit, settings.databaseDefault));
    return warnings;
  };
}

/** A database reached over the network without TLS: passwords and every message cross the wire readable. */
export function plaintextDatabaseWarnings(url: string): Warning[] {
  const conn = parsePostgresUrl(url);
  const local = conn.host === 'localhost' || conn.host.startsWith('/') || isLoopback(conn.host);
  if (conn.ssl !== false || local) return [];
  return [
    {
      id: 'database_plaintext',
      severity: 'high',
      message: `PostgreSQL is reached at ${conn.host} without TLS (sslmode is disable): the database password and every message cross the network readable.`,
      remedy: 'Enable TLS on the PostgreSQL server and add ?sslmode=verify-full (with sslrootcert=/path/ca.pem for a private CA) to database.url.',
    },
  ];
}

/**
 * Mailroom's own connections always commit with synchronous_commit on (store/postgres/pool.ts), so its 250
 * stays durable; "off" on the session means that did not hold (a pooler dropping startup options), and
 * "off" as the database's or role's default means the database was tuned to lose recent commits on a
 * crash, which every other client of it (and a future connection path) inherits.
 */
export function synchronousCommitWarnings(session: string, databaseDefault: string | null): Warning[] {
  if (session === 'off' || session === 'local') {
    return [
      {
        id: 'database_synchronous_commit_off',
        severity: 'critical',
        message: `synchronous_commit is ${session} on Mailroom's database connections: a "250" may be lost when the database crashes.`,
        remedy: 'Connect directly or through a pooler that passes startup options, and set synchronous_commit = on (ALTER DATABASE ... SET synchronous_commit = on).',
      },
    ];
  }
  if (databaseDefault === 'off' || databaseDefault === 'local') {
    return [
      {
        id: 'database_synchronous_commit_off',
        severity: 'medium',
        message: `synchronous_commit is ${databaseDefault} for this database or role: Mailroom's own connections turn it on, but the setting says the database was tuned to lose recent commits on a crash.`,
        remedy: 'ALTER DATABASE <name> RESET synchronous_commit (or ALTER ROLE ... RESET), unless another application needs it and you accept the risk for it.',
      },
    ];
  }
  return [];
}
