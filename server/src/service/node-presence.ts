// This node in the cluster: registers its name at start (refused while another live node holds it),
// renews its heartbeat every lease/3, and applies the state an operator asked for from any node
// (POST /api/v1/nodes/:name/start|stop writes it in the database) within half a second, by polling.
// A clean stop frees the name at once; a killed node's name is free once its lease has run out.
import { NodeNameTakenError, type ClusterStore, type DesiredState, type NodeIdentity, type NodeReport } from '../store/cluster-store.ts';
import type { Log } from '../telemetry/log.ts';
import { OutageBackoff } from '../util/outage-backoff.ts';

/** How often the desired state is read: "applied within a second" with room for the start itself. */
export const DESIRED_POLL_MS = 500;
/** After a start that failed (a port taken), wait this long before trying to apply the wish again. */
const APPLY_RETRY_MS = 10_000;

export interface NodePresenceDeps {
  cluster: ClusterStore;
  identity: NodeIdentity;
  report: () => NodeReport;
  /** Starts or stops this node's server (listeners and delivery). */
  apply: (desired: DesiredState) => Promise<void>;
  /** A node came up or went down, or this node's clock skew crossed the limit: the self-test looks again. */
  onClusterChange?: () => void;
  /** The skew beyond which onClusterChange fires (the self-test's limit). */
  maxClockSkewMs?: number;
  log: Log;
}

export class NodePresence {
  private token: string | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private applying = false;
  /** Set by halt(): a heartbeat or poll already under way applies nothing more. */
  private halted = false;
  /** Another live process holds our name (logged once; the server stays stopped until it is ours again). */
  private nameHeldElsewhere = false;
  private applyFailedAt = 0;
  private heartbeatFailing = false;
  private lastSkewMs: number | null = null;
  private unwrittenWish: DesiredState | null = null;
  /** The database away: the poll waits 0.5 s, 1 s, ... up to 10 s between attempts. */
  private readonly pollBackoff = new OutageBackoff(DESIRED_POLL_MS, 10_000);
  private pollNotBefore = 0;
  /** What the last heartbeat saw of the cluster (node, up, schema; skew over the limit). */
  private lastView = '';

  constructor(private readonly deps: NodePresenceDeps) {}

  get name(): string {
    return this.deps.identity.name;
  }

  /** The node's clock minus the database's, from the last heartbeat (half the round trip is allowed for). */
  get clockSkewMs(): number | null {
    return this.lastSkewMs;
  }

  /** Throws NodeNameTakenError while another live node holds the name. */
  async register(): Promise<void> {
    this.token = await this.deps.cluster.registerNode(this.deps.identity, this.deps.report());
  }

  start(): void {
    const every = Math.max(250, Math.floor(this.deps.identity.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => void this.beat(), every);
    this.pollTimer = setInterval(() => void this.poll(), DESIRED_POLL_MS);
    this.heartbeatTimer.unref();
    this.pollTimer.unref();
    void this.beat();
  }

  /** The operator's wish for this node, from /api/v1/server/start|stop: kept in the database too. */
  async setDesired(desired: DesiredState): Promise<void> {
    // Kept here until written: with the database away the server still starts and stops, and the poll
    // must not undo that with the older wish it reads once the database is back.
    this.unwrittenWish = desired;
    await this.writeWish().catch((err: Error) => this.deps.log.warn({ err: err.message, desired }, 'could not record the state asked for this node yet; retrying'));
  }

  private async writeWish(): Promise<void> {
    const wish = this.unwrittenWish;
    if (!wish) return;
    await this.deps.cluster.setDesiredState(this.name, wish);
    if (this.unwrittenWish === wish) this.unwrittenWish = null;
  }

  /**
   * First step of a clean stop: no more heartbeats or wishes applied, so the poll cannot start the server
   * again while the service shuts it down. The name stays held until stop().
   */
  halt(): void {
    this.halted = true;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.heartbeatTimer = this.pollTimer = null;
  }

  /**
   * A clean stop, once the server has stopped (its deliveries finished or returned): the name is free at
   * once and the node stays listed, down. Freed earlier, a successor could take back recipients this
   * process is still delivering.
   */
  async stop(): Promise<void> {
    this.halt();
    if (this.token)
      await this.deps.cluster.unregisterNode(this.name, this.token).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not free the node name; it is free once the lease runs out'));
    this.token = null;
  }

  private async beat(): Promise<void> {
    if (!this.token) return;
    try {
      const sentAt = Date.now();
      const beat = await this.deps.cluster.heartbeat(this.name, this.token, this.deps.report());
      const receivedAt = Date.now();
      this.lastSkewMs = Math.round((sentAt + receivedAt) / 2 - beat.databaseNow);
      if (this.heartbeatFailing) this.deps.log.info('node heartbeat renewed: the database answers again');
      this.heartbeatFailing = false;
      if (!beat.stillOurs) await this.lostName();
      else if (!this.unwrittenWish) await this.applyWish(beat.desired);
      await this.watchCluster();
    } catch (err) {
      // The database is away: logged once per outage. Past the lease the others list this node as down.
      if (!this.heartbeatFailing) this.deps.log.warn({ err: (err as Error).message }, 'node heartbeat failed; retrying');
      this.heartbeatFailing = true;
    }
  }

  /**
   * Another process registered our name: its lease had run out in the database (we could not renew it).
   * Two processes under one name would touch each other's leased queue rows, so this one stops serving
   * and tries to take the name back when that process goes.
   */
  private async lostName(): Promise<void> {
    if (this.halted) return;
    try {
      // The row may simply be gone (forgotten with DELETE while this node could not reach the database).
      this.token = await this.deps.cluster.registerNode(this.deps.identity, this.deps.report());
      this.nameHeldElsewhere = false;
      this.deps.log.warn({ node: this.name }, 'this node was no longer registered; registered again');
    } catch (err) {
      if (!(err instanceof NodeNameTakenError)) throw err;
      if (!this.nameHeldElsewhere) this.deps.log.error({ node: this.name }, 'another process took over this node name while its heartbeat had lapsed; stopping the server until the name is free');
      this.nameHeldElsewhere = true;
      await this.deps.apply('stopped').catch(() => undefined);
    }
  }

  /** Tells the self-test when the cluster changed, so a node down is a warning within a heartbeat, not at its next run. */
  private async watchCluster(): Promise<void> {
    if (!this.deps.onClusterChange) return;
    const nodes = await this.deps.cluster.listNodes();
    const skewed = Math.abs(this.lastSkewMs ?? 0) > (this.deps.maxClockSkewMs ?? Infinity);
    const view = JSON.stringify([skewed, nodes.map((n) => [n.name, n.up, n.stoppedCleanly, n.schemaVersion])]);
    if (this.lastView !== '' && view !== this.lastView) this.deps.onClusterChange();
    this.lastView = view;
  }

  private async poll(): Promise<void> {
    if (!this.token || this.applying || Date.now() < this.pollNotBefore) return;
    try {
      await this.writeWish();
      const desired = await this.deps.cluster.desiredState(this.name);
      this.pollBackoff.succeeded();
      if (desired) await this.applyWish(desired);
    } catch {
      // The database is away: the heartbeat logs that; nothing to apply meanwhile.
      this.pollNotBefore = Date.now() + this.pollBackoff.failed();
    }
  }

  private async applyWish(desired: DesiredState): Promise<void> {
    const running = this.deps.report().running;
    if ((desired === 'running') === running || this.applying || this.halted || this.nameHeldElsewhere) return;
    if (Date.now() - this.applyFailedAt < APPLY_RETRY_MS) return;
    this.applying = true;
    try {
      this.deps.log.info({ node: this.name, desired }, 'applying the state asked for this node');
      await this.deps.apply(desired);
    } catch (err) {
      this.applyFailedAt = Date.now();
      this.deps.log.error({ err: (err as Error).message, desired }, 'could not apply the state asked for this node; trying again in 10 s');
    } finally {
      this.applying = false;
    }
  }
}
