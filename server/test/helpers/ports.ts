// Free TCP ports on loopback, picked up front so a restarted server comes back on the same ports.
import net from 'node:net';

/**
 * Picks a port below the kernel's ephemeral range (32768+ here), so the outgoing connections that tests
 * and servers open all the time cannot take it while a server under test restarts on it.
 */
const PORT_RANGE = { from: 20_000, to: 32_000 };
const handedOut = new Set<number>();

/** Slices of the range, one per vitest worker, enough for any maxWorkers vitest.config.ts sets. */
const WORKER_SLICES = 8;

/**
 * The part of the range this process picks from. Test files run three at a time in separate worker
 * processes, which cannot see each other's handed-out ports: two of them probing the same port before
 * either server binds it made one server fail to start. Each worker (VITEST_POOL_ID, 1 to maxWorkers)
 * gets a slice of its own.
 */
function workerRange(): { from: number; to: number } {
  const pool = Number(process.env.VITEST_POOL_ID);
  if (!Number.isInteger(pool) || pool < 1) return PORT_RANGE;
  const size = Math.floor((PORT_RANGE.to - PORT_RANGE.from) / WORKER_SLICES);
  const from = PORT_RANGE.from + ((pool - 1) % WORKER_SLICES) * size;
  return { from, to: from + size };
}

export async function freePort(): Promise<number> {
  const range = workerRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = range.from + Math.floor(Math.random() * (range.to - range.from));
    if (handedOut.has(port)) continue;
    const ok = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port found');
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function waitForClosed(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (!open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still open after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
