// Waiting for a daemon the tests start (Prometheus, Alertmanager) to answer its readiness endpoint.
import type { ChildProcess } from 'node:child_process';

/**
 * Polls `url` until it answers 2xx. Throws with the tail of the daemon's output when the daemon exits
 * first (a bad configuration) or after `timeoutMs`.
 */
export async function waitForHttpReady(url: string, name: string, child: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output().slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`${name} did not become ready:\n${output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
