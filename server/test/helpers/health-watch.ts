// Polls /healthz on the admin port while an attack runs, and records how long each answer took: the
// issue's bar is that the service keeps answering within 100 ms throughout. Polls one at a time, every
// intervalMs, so the watcher itself adds no load worth counting.
import type { MailroomProcess } from './mailroom.ts';

export interface HealthWatch {
  /** Stops polling and returns the slowest answer (ms) and how many were made. */
  stop(): Promise<{ slowestMs: number; probes: number; failures: number }>;
}

/** Starts after one unmeasured probe, so the first measured one does not include the client's own warm-up. */
export async function watchHealth(mr: MailroomProcess, intervalMs = 50): Promise<HealthWatch> {
  await (await mr.admin('/healthz')).arrayBuffer();
  let running = true;
  let slowestMs = 0;
  let probes = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      try {
        const res = await mr.admin('/healthz', { signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      } catch {
        failures++;
      }
      slowestMs = Math.max(slowestMs, performance.now() - started);
      probes++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { slowestMs: Math.round(slowestMs), probes, failures };
    },
  };
}
