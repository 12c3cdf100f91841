// Keeps this node's leases alive while its attempts run. A remote delivery can take longer than
// cluster.lease_seconds (a slow server, a large message); without renewal another node would take the
// work over mid-attempt and deliver it a second time. Every lease/3 the expiry of each recipient this node
// still holds (same name, same token, still in flight) moves to now + lease, in one statement. A node that
// dies or hangs stops renewing, so its work is taken over within one lease of its last renewal.
import type pg from 'pg';

export class LeaseRenewal {
  private timer: NodeJS.Timeout | null = null;
  private renewing = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly nodeName: string,
    private readonly leaseMs: number,
    /** The lease token of each recipient this node has in flight (PgQueue's map, read at each renewal). */
    private readonly leases: ReadonlyMap<number, string>,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {}

  /** Called after a claim: renews from now on while anything is held. */
  held(): void {
    if (this.timer || this.leases.size === 0) return;
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.leases.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    if (this.renewing) return; // the database is slow: one renewal at a time
    this.renewing = true;
    try {
      const ids = [...this.leases.keys()];
      await this.pool.query(
        `UPDATE queue_recipients r SET lease_expires_at = $1
         FROM unnest($2::bigint[], $3::text[]) AS t(id, token)
         WHERE r.id = t.id AND r.state = 'in_flight' AND r.lease_node = $4 AND r.lease_token = t.token`,
        [Date.now() + this.leaseMs, ids, ids.map((id) => this.leases.get(id)!), this.nodeName],
      );
    } catch (err) {
      // The database is away: the outcome's lease check decides later whether the work is still ours.
      this.onError(err as Error);
    } finally {
      this.renewing = false;
    }
  }
}
