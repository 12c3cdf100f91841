// The server component, as hMailServer's Status > Server page shows it: running or stopped, version,
// database backend, start time, listeners, the virus and spam scanners; start and stop (the service and
// this API keep running).
import Router from '@koa/router';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { ConfigError } from '../../config/load.ts';
import type { ScannerHealth } from '../../scan/health.ts';
import type { ScannerHealthJson, ServerInfo } from '../response-schemas.ts';

/** Each daemon is asked at most this long (clamd VERSION, spamd PING) when the server state is read. */
const SCANNER_PROBE_MS = 2_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const scannerJson = (h: ScannerHealth): ScannerHealthJson => ({
  scanner: h.scanner,
  address: h.address,
  reachable: h.reachable,
  version: h.version,
  lastError: h.lastError,
  lastErrorAt: iso(h.lastErrorAt),
  lastCheckedAt: iso(h.lastCheckedAt),
  circuit: h.circuit,
  circuitOpenedAt: iso(h.circuitOpenedAt),
});

export function serverRoutes(deps: AdminDeps): Router {
  const router = new Router();
  const describe = async (): Promise<ServerInfo> => {
    const startedAt = deps.server.startTime;
    // Asked now, so reachable and version are the daemons' present state; an empty list: none configured.
    const scanners = (await deps.scan.scanner.checkHealth(SCANNER_PROBE_MS)).map(scannerJson);
    return {
      running: deps.server.running,
      version: deps.version,
      hostname: deps.config.hostname,
      startedAt: startedAt === null ? null : new Date(startedAt).toISOString(),
      uptimeSeconds: startedAt === null ? null : Math.floor((Date.now() - startedAt) / 1000),
      serviceStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
      database: deps.store.info,
      listeners: [...deps.server.listenerInfo],
      scanners,
    };
  };
  router.get('/api/v1/server', requireRole('viewer'), async (ctx) => {
    ctx.body = await describe();
  });
  router.post('/api/v1/server/start', requireRole('operator'), async (ctx) => {
    // The wish goes to the nodes table first, so this node's poll does not undo what was asked here.
    await deps.node.setDesired('running');
    await deps.server.start();
    audit(ctx, 'server.start', { node: deps.node.name });
    ctx.body = await describe();
  });
  router.post('/api/v1/server/reload', requireRole('admin'), async (ctx) => {
    if (!deps.reload) throw new ApiError(409, 'reload_unavailable', 'this service was not started by mailroom serve, so it has no configuration to read again');
    try {
      const result = deps.reload();
      audit(ctx, 'server.reload', { applied: result.applied.map((c) => c.key), restartNeeded: result.restartNeeded.map((c) => c.key) });
      ctx.body = result;
    } catch (err) {
      // The same message a start would print; the running settings stay.
      if (err instanceof ConfigError) throw new ApiError(400, 'invalid_configuration', `${err.message} (the running settings stay)`);
      throw err;
    }
  });
  router.post('/api/v1/server/stop', requireRole('operator'), async (ctx) => {
    await deps.node.setDesired('stopped');
    await deps.server.stop();
    audit(ctx, 'server.stop', { node: deps.node.name });
    ctx.body = await describe();
  });
  return router;
}
