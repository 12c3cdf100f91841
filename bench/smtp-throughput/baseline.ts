// Starts baseline-server.ts (a bare smtp-server that discards) as a child process.
import { fileURLToPath } from 'node:url';
import { Child, freePort, waitForPort } from './proc.ts';
import type { RunningServer, Target } from './target.ts';

const SCRIPT = fileURLToPath(new URL('./baseline-server.ts', import.meta.url));

async function startBaseline(greeting: 'stock' | 'zero'): Promise<RunningServer> {
  const port = await freePort();
  const env = { ...process.env, BENCH_PORT: String(port), BENCH_GREETING: greeting };
  const server = new Child(`smtp-server baseline (${greeting})`, process.execPath, ['--import', 'tsx', SCRIPT], env);
  await waitForPort(port, 30_000, () => server.deadReason());
  return {
    port,
    pid: server.proc.pid,
    progress: () => null,
    async stop() {
      await server.stop();
      const m = /accepted (\d+)/.exec(server.output);
      return m ? { accepted: Number(m[1]) } : {};
    },
  };
}

export const baselineTargets: Target[] = [
  {
    id: 'smtp-server',
    label: 'bare smtp-server, discard, greeting 0 ms',
    notes: 'The library alone: reads the message and drops it, with the greeting delay patched to 0 ms the way Mailroom does it. The ceiling for any server built on smtp-server here.',
    start: () => startBaseline('zero'),
  },
  {
    id: 'smtp-server-stock',
    label: 'bare smtp-server, discard, stock 100 ms greeting',
    notes: 'The library as published: a fixed 100 ms wait before every banner.',
    start: () => startBaseline('stock'),
  },
];
