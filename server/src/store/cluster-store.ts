// The nodes of a cluster as the store keeps them: who is registered, when each last proved it lives
// (the database's clock, so nodes with skewed clocks still agree), what each runs and what an operator
// wants of it. PostgreSQL keeps a table every node shares (postgres/nodes.ts); SQLite serves one process,
// so its "cluster" is that process alone, held in memory (single-node.ts).
/** Open sessions per protocol (the store imports no telemetry: the four protocols are spelled out). */
export interface NodeSessions {
  smtp: number;
  submission: number;
  pop3: number;
  imap: number;
}
export type DesiredState = 'running' | 'stopped';

/** What a node reports of itself at registration and with each heartbeat. */
export interface NodeReport {
  running: boolean;
  sessions: NodeSessions;
}

export interface NodeIdentity {
  name: string;
  version: string;
  /** The schema version this build knows (its migration count): an older one warns on every node. */
  schemaVersion: number;
  /** cluster.lease_seconds of this node, in ms: it is up while its heartbeat is younger than this. */
  leaseMs: number;
  /** The state the node starts in (server.autostart): a restart is the operator's fresh intent. */
  desired: DesiredState;
}

export interface NodeRecord {
  name: string;
  version: string;
  schemaVersion: number;
  startedAt: number;
  lastSeen: number;
  /** Heartbeat younger than the node's lease, and not stopped cleanly. */
  up: boolean;
  /** Stopped cleanly (its name is free at once); false for a node that simply stopped heartbeating. */
  stoppedCleanly: boolean;
  running: boolean;
  desired: DesiredState;
  sessions: NodeSessions;
}

/** What a heartbeat learns: the operator's wish for this node and the database's clock (for skew). */
export interface Heartbeat {
  desired: DesiredState;
  databaseNow: number;
  /** False when the row is no longer this process's (another process took the name over). */
  stillOurs: boolean;
}

export interface DatabaseSettings {
  /** synchronous_commit of this node's own connections (the store sets it on). */
  synchronousCommit: string;
  /** synchronous_commit set for this database or role (ALTER DATABASE/ROLE ... SET), null when not set. */
  databaseDefault: string | null;
}

export interface ClusterStore {
  /**
   * Registers this process under identity.name; throws NodeNameTakenError while another process holds
   * the name and its heartbeat is younger than its lease. Returns the token that names this registration.
   */
  registerNode(identity: NodeIdentity, report: NodeReport): Promise<string>;
  heartbeat(name: string, token: string, report: NodeReport): Promise<Heartbeat>;
  /** The operator's wish only (polled every half second; cheaper than a heartbeat). */
  desiredState(name: string): Promise<DesiredState | null>;
  /** A clean stop: the name is free at once; the node stays listed as down. */
  unregisterNode(name: string, token: string): Promise<void>;
  listNodes(): Promise<NodeRecord[]>;
  /**
   * Forgets a node that is down (retired, or its machine is gone): it leaves the list, the warnings and the
   * metric. 'up' (nothing removed) while its heartbeat is younger than its lease; 'unknown' for no such node.
   */
  forgetNode(name: string): Promise<'forgotten' | 'up' | 'unknown'>;
  /** false: no node of that name. */
  setDesiredState(name: string, desired: DesiredState): Promise<boolean>;
  /** Resolves when the database answers a trivial query (for /healthz); rejects with why not. */
  ping(): Promise<void>;
  /** Facts about the database connection the self-test weighs (null on SQLite). */
  databaseSettings(): Promise<DatabaseSettings | null>;
}

export class NodeNameTakenError extends Error {
  constructor(
    readonly nodeName: string,
    readonly lastSeenMsAgo: number,
  ) {
    super(
      `another live node is named ${JSON.stringify(nodeName)} (heartbeat ${Math.round(lastSeenMsAgo / 1000)} s ago): give this node its own cluster.node_name (MAILROOM_NODE_NAME), or wait until the other one's lease runs out if it was killed`,
    );
    this.name = 'NodeNameTakenError';
  }
}
