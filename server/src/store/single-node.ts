// The "cluster" of the SQLite store: this process alone. SQLite serves one machine (the data directory
// lock already keeps a second process off the file), so there is no table: the one node lives in memory,
// is up while the process runs, and GET /api/v1/nodes lists just it.
import { randomBytes } from 'node:crypto';
import type { ClusterStore, DesiredState, Heartbeat, NodeIdentity, NodeRecord, NodeReport } from './cluster-store.ts';

export class SingleNode implements ClusterStore {
  private node: (NodeRecord & { token: string }) | null = null;

  async registerNode(identity: NodeIdentity, report: NodeReport): Promise<string> {
    const now = Date.now();
    const token = randomBytes(16).toString('hex');
    this.node = {
      name: identity.name,
      version: identity.version,
      schemaVersion: identity.schemaVersion,
      startedAt: now,
      lastSeen: now,
      up: true,
      stoppedCleanly: false,
      desired: identity.desired,
      token,
      ...report,
    };
    return token;
  }

  async heartbeat(name: string, token: string, report: NodeReport): Promise<Heartbeat> {
    const node = this.node;
    if (!node || node.name !== name || node.token !== token) return { desired: report.running ? 'running' : 'stopped', databaseNow: Date.now(), stillOurs: false };
    Object.assign(node, report, { lastSeen: Date.now() });
    return { desired: node.desired, databaseNow: node.lastSeen, stillOurs: true };
  }

  async desiredState(name: string): Promise<DesiredState | null> {
    return this.node?.name === name ? this.node.desired : null;
  }

  async unregisterNode(name: string, token: string): Promise<void> {
    if (this.node?.name === name && this.node.token === token) this.node = null;
  }

  async listNodes(): Promise<NodeRecord[]> {
    if (!this.node) return [];
    const { token: _token, ...record } = this.node;
    return [{ ...record, lastSeen: Date.now() }];
  }

  async forgetNode(name: string): Promise<'forgotten' | 'up' | 'unknown'> {
    // The one node is this running process: always up.
    return this.node?.name === name ? 'up' : 'unknown';
  }

  async setDesiredState(name: string, desired: DesiredState): Promise<boolean> {
    if (this.node?.name !== name) return false;
    this.node.desired = desired;
    return true;
  }

  async ping(): Promise<void> {
    // The SQLite file is opened in this process; a failing disk shows in the writes themselves.
  }

  async databaseSettings(): Promise<null> {
    return null;
  }
}
