// The Scanner with its breakers against loopback stand-ins that accept and never answer: both checks
// run side by side (a message waits one timeout, not one per daemon), a timeout opens the circuit, and
// while it is open checks come back unavailable without a connection, so the policy applies at once.
// Counts of connections, not clocks, show what happened.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decide, DEFAULT_SCAN_POLICY } from './policy.ts';
import { Scanner } from './scanner.ts';

interface Silent {
  port: number;
  /** Connections accepted so far, and those still open. */
  accepted: number;
  open: Set<net.Socket>;
  close(): Promise<void>;
}

async function silentDaemon(): Promise<Silent> {
  const open = new Set<net.Socket>();
  // Half-open allowed: spamc half-closes after the request, and a hung daemon does not close back.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    daemon.accepted++;
    open.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => open.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const daemon: Silent = {
    port: (server.address() as net.AddressInfo).port,
    accepted: 0,
    open,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return daemon;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setUp(timeoutMs: number) {
  const [clamd, spamd] = await Promise.all([silentDaemon(), silentDaemon()]);
  const scanner = new Scanner({ clamd: `tcp://127.0.0.1:${clamd.port}`, spamd: `127.0.0.1:${spamd.port}`, timeoutMs });
  cleanups.push(
    () => scanner.close(),
    () => clamd.close(),
    () => spamd.close(),
  );
  return { clamd, spamd, scanner };
}

const message = Buffer.from('Subject: hi\r\n\r\nhello\r\n');

describe('Scanner with daemons that never answer', () => {
  it('asks clamd and spamd side by side, so both waits overlap', async () => {
    const { clamd, spamd, scanner } = await setUp(2_000);
    let clamdOpenWhenSpamdConnected: boolean | null = null;
    const scanning = scanner.scan(message);
    while (spamd.accepted === 0 || clamd.accepted === 0) await new Promise((r) => setImmediate(r));
    clamdOpenWhenSpamdConnected = clamd.open.size === 1;
    const verdict = await scanning;
    expect(clamdOpenWhenSpamdConnected).toBe(true);
    expect(verdict.virus).toMatchObject({ kind: 'error', down: 'timeout' });
    expect(verdict.spam).toMatchObject({ kind: 'error', down: 'timeout' });
  });

  it('after a timeout reports the daemon unavailable at once without connecting, until it answers', async () => {
    const { clamd, spamd, scanner } = await setUp(300);
    await scanner.scan(message);
    expect([clamd.accepted, spamd.accepted]).toEqual([1, 1]);
    expect(scanner.health().map((h) => h.circuit)).toEqual(['open', 'open']);

    for (let i = 0; i < 5; i++) {
      const verdict = await scanner.scan(message);
      expect(verdict.virus).toMatchObject({ kind: 'error', down: 'circuit_open', message: expect.stringMatching(/^clamd at 127\.0\.0\.1:\d+: not answering since /) });
      expect(verdict.spam).toMatchObject({ kind: 'error', down: 'circuit_open' });
      // scan.unavailable_action applies as for any unavailable scanner.
      expect(decide(verdict, { ...DEFAULT_SCAN_POLICY, unavailableAction: 'tempfail' })).toMatchObject({ action: 'tempfail', reply: { code: 451 } });
      expect(decide(verdict, DEFAULT_SCAN_POLICY)).toMatchObject({
        action: 'deliver',
        unscanned: [
          { check: 'virus', why: 'unavailable' },
          { check: 'spam', why: 'unavailable' },
        ],
      });
    }
    // Not one connection more: nothing waited on the daemons.
    expect([clamd.accepted, spamd.accepted]).toEqual([1, 1]);
    // The error that opened the circuit stays the last error shown.
    expect(scanner.health()[0]).toMatchObject({ reachable: false, lastError: expect.stringMatching(/no answer within 300 ms/), circuitOpenedAt: expect.any(Number) });
  });

  it('opens the circuit on a refused connection, and tells its listeners', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const scanner = new Scanner({ clamd: `tcp://127.0.0.1:${port}`, timeoutMs: 5_000 });
    cleanups.push(() => scanner.close());
    let changes = 0;
    scanner.onAvailabilityChange(() => changes++);
    expect((await scanner.scan(message)).virus).toMatchObject({ kind: 'error', down: 'unreachable', message: expect.stringMatching(/ECONNREFUSED/) });
    expect(changes).toBe(1);
    expect((await scanner.scan(message)).virus).toMatchObject({ kind: 'error', down: 'circuit_open' });
  });
});
