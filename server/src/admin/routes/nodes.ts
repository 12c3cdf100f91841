// The nodes sharing the database (issue 15): list them, and start or stop any one of them from any node.
// The wish is written in the nodes table; the node named applies it within a second (it polls), so the
// answer here is the node as it is now, with the wish recorded, not yet applied. A node that is down for
// good (its machine retired) is forgotten with DELETE, so it stops being listed, warned and alerted about.
import Router from '@koa/router';
import { audit } from '../audit.ts';
import { requireRole } from '../auth.ts';
import type { AdminDeps } from '../deps.ts';
import { ApiError, notFound } from '../errors.ts';
import type { NodeInfo, NodeList } from '../response-schemas.ts';
import type { DesiredState, NodeRecord } from '../../store/cluster-store.ts';

const nodeJson = (n: NodeRecord): NodeInfo => ({
  name: n.name,
  version: n.version,
  startedAt: new Date(n.startedAt).toISOString(),
  lastSeen: new Date(n.lastSeen).toISOString(),
  up: n.up,
  running: n.up && n.running,
  sessions: n.up ? n.sessions : { smtp: 0, submission: 0, pop3: 0, imap: 0 },
});

export function nodeRoutes(deps: AdminDeps): Router {
  const router = new Router();
  const cluster = deps.store.cluster;
  router.get('/api/v1/nodes', requireRole('viewer'), async (ctx) => {
    ctx.body = { nodes: (await cluster.listNodes()).map(nodeJson) } satisfies NodeList;
  });
  for (const desired of ['running', 'stopped'] as const satisfies DesiredState[]) {
    const verb = desired === 'running' ? 'start' : 'stop';
    router.post(`/api/v1/nodes/:name/${verb}`, requireRole('operator'), async (ctx) => {
      const name = ctx.params.name!;
      if (!(await cluster.setDesiredState(name, desired))) throw notFound(`node ${JSON.stringify(name)}`);
      audit(ctx, `node.${verb}`, { node: name });
      const node = (await cluster.listNodes()).find((n) => n.name === name);
      if (!node) throw notFound(`node ${JSON.stringify(name)}`);
      ctx.body = nodeJson(node) satisfies NodeInfo;
    });
  }
  router.delete('/api/v1/nodes/:name', requireRole('operator'), async (ctx) => {
    const name = ctx.params.name!;
    const result = await cluster.forgetNode(name);
    if (result === 'unknown') throw notFound(`node ${JSON.stringify(name)}`);
    if (result === 'up') throw new ApiError(409, 'node_up', `node ${JSON.stringify(name)} is up: stop it first (SIGTERM); a killed node can be forgotten once its lease has run out`);
    audit(ctx, 'node.forget', { node: name });
    ctx.status = 204;
  });
  return router;
}
