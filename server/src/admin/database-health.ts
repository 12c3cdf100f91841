// /healthz asks the database too: a node whose database is gone cannot accept mail (it answers 451) and
// a load balancer or orchestrator should know. Bounded, so a database that hangs makes /healthz say so
// within the deadline instead of hanging itself; concurrent checks share one query.
import type { ClusterStore } from '../store/cluster-store.ts';

/** A health check answers within this, database or not. */
export const DATABASE_HEALTH_DEADLINE_MS = 2_000;

export function databaseHealth(cluster: Pick<ClusterStore, 'ping'>): () => Promise<string | null> {
  let inFlight: Promise<string | null> | null = null;
  return () =>
    (inFlight ??= new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(`no answer within ${DATABASE_HEALTH_DEADLINE_MS} ms`), DATABASE_HEALTH_DEADLINE_MS);
      cluster.ping().then(
        () => (clearTimeout(timer), resolve(null)),
        (err: Error) => (clearTimeout(timer), resolve(err.message)),
      );
    }).finally(() => (inFlight = null)));
}
