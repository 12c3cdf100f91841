// Several real Mailroom processes on one fresh PostgreSQL database (issue 15, nodes): each registers in the
// nodes table and renews its heartbeat; GET /api/v1/nodes on any node lists them all with their sessions;
// a node is started and stopped from another node within a second (audited, 404 for an unknown name);
// /api/v1/server/stop holds (the node does not flip back); a second live node under a taken name refuses
// to start with one line; a clean stop frees the name at once, a SIGKILL only after the lease; a killed
// node is listed down, warned about and reported by mailroom_cluster_node_up on the others. The self-test
// warns about synchronous_commit off for the database and about a node built for a newer schema. A node
// down for good is forgotten with DELETE /api/v1/nodes/:name (refused while it is up).
import { spawn } from 'node:child_process';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MailroomProcess } from './helpers/mailroom.ts';
import { createTestDatabase, PG_HOST, PG_PORT, postgresAvailable } from './helpers/postgres.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';
import { python } from './helpers/python.ts';

const ADMIN = randomBytes(16).toString('hex');
const OPERATOR = randomBytes(16).toString('hex');
const VIEWER = randomBytes(16).toString('hex');
/** Short, so a killed node is seen down (and its name free) within seconds. */
const LEASE_SECONDS = 3;

interface NodeJson {
  name: string;
  version: string;
  startedAt: string;
  lastSeen: string;
  up: boolean;
  running: boolean;
  sessions: { smtp: number; submission: number; pop3: number; imap: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check passes; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await sleep(50);
  }
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe.runIf(postgresAvailable())('nodes on one PostgreSQL database', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const started: MailroomProcess[] = [];
  let a: MailroomProcess;
  let b: MailroomProcess;

  const node = async (name: string, env: Record<string, string> = {}) => {
    const mr = await MailroomProcess.create({
      env: {
        MAILROOM_DATABASE_URL: db.url,
        MAILROOM_NODE_NAME: name,
        MAILROOM_CLUSTER_LEASE_SECONDS: String(LEASE_SECONDS),
        MAILROOM_ADMIN_TOKEN: ADMIN,
        MAILROOM_ADMIN_TOKENS: `ops:operator:${OPERATOR},grafana:viewer:${VIEWER}`,
        ...env,
      },
    });
    started.push(mr);
    return mr;
  };

  const call = async (mr: MailroomProcess, path: string, token = VIEWER, method = 'GET') => {
    const res = await mr.admin(path, { method, headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const nodes = async (mr: MailroomProcess) => ((await call(mr, '/api/v1/nodes')).json.nodes as NodeJson[]).map((n) => ({ ...n }));
  const nodeOn = async (mr: MailroomProcess, name: string) => (await nodes(mr)).find((n) => n.name === name);

  /** `mailroom serve` run to its end: exit status and what it printed on stderr. */
  const serveOnce = (mr: MailroomProcess) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...mr.env }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code) => (clearTimeout(timer), resolve({ code, stderr })));
    });

  beforeAll(async () => {
    db = await createTestDatabase('nodes');
    a = await node('node-a');
    b = await node('node-b');
    await a.cli('domain', 'add', 'example.test');
    await a.cli('account', 'add', 'alice@example.test', '--password', 'alice-pw');
    await Promise.all([a.start(), b.start()]);
  }, 60_000);

  afterAll(async () => {
    for (const mr of started) {
      await mr.stop();
      mr.cleanup();
    }
    await db?.drop();
  });

  it('lists every node on every node, with version, start, heartbeat, state and sessions per protocol', async () => {
    // An IMAP session held open on node-b shows in node-a's answer after node-b's next heartbeat (lease/3).
    const imap = python(
      `
import imaplib, os, time
m = imaplib.IMAP4('127.0.0.1', int(os.environ['PORT']))
m.login('alice@example.test', 'alice-pw')
print('in', flush=True)
time.sleep(8)
m.logout()
`,
      { PORT: String(b.ports.imap) },
    );
    // Exactly this session: the start's port probes (connect, then close) may still count at one heartbeat.
    await within(7000, async () => {
      const s = (await nodeOn(a, 'node-b'))?.sessions;
      return s !== undefined && s.imap === 1 && s.smtp === 0 && s.submission === 0 && s.pop3 === 0;
    });
    const listed = await nodes(a);
    expect(listed.map((n) => n.name)).toEqual(['node-a', 'node-b']);
    for (const n of listed) {
      expect(n).toMatchObject({ up: true, running: true });
      expect(n.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(Date.parse(n.lastSeen)).toBeGreaterThanOrEqual(Date.parse(n.startedAt));
      expect(Date.now() - Date.parse(n.lastSeen)).toBeLessThan(LEASE_SECONDS * 1000 + 1000);
    }
    expect(listed.find((n) => n.name === 'node-b')!.sessions).toEqual({ smtp: 0, submission: 0, pop3: 0, imap: 1 });
    expect(await nodes(b)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'node-a', up: true })]));
    expect((await call(a, '/api/v1/nodes', 'wrong-token-of-some-length-0000')).status).toBe(401);
    await imap;
  }, 30_000);

  it('warns about synchronous_commit off for its database, and about nodes knowing an older schema than another', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const recheck = async () => (await call(a, '/api/v1/warnings/recheck', OPERATOR, 'POST')).json.items as Array<{ id: string; severity: string; message: string }>;
    try {
      expect((await recheck()).map((w) => w.id)).not.toContain('database_synchronous_commit_off');
      await client.query(`ALTER DATABASE ${db.name} SET synchronous_commit = off`);
      // A live node built for a later schema, as a newer Mailroom would register itself.
      await client.query(
        `INSERT INTO nodes (name, token, version, schema_version, lease_ms, started_at, last_seen, running, desired, sessions)
         VALUES ('node-next', 'x', '9.9.9', 99, 600000, 0, (extract(epoch from clock_timestamp()) * 1000)::bigint, true, 'running', '{"smtp":0,"submission":0,"pop3":0,"imap":0}')`,
      );
      const warnings = await recheck();
      expect(warnings.find((w) => w.id === 'database_synchronous_commit_off')).toMatchObject({ severity: 'medium' });
      expect(warnings.find((w) => w.id === 'cluster_schema_older')?.message).toMatch(/^Node\(s\) node-a, node-b know an older schema \(\d+\) than another node \(99\)/);
    } finally {
      await client.query(`ALTER DATABASE ${db.name} RESET synchronous_commit`);
      await client.query(`DELETE FROM nodes WHERE name = 'node-next'`);
      await client.end();
    }
    const ids = (await recheck()).map((w) => w.id);
    expect(ids).not.toContain('database_synchronous_commit_off');
    expect(ids).not.toContain('cluster_schema_older');
  }, 30_000);

  it('stops and starts a node from another node within a second, audited; an unknown node is a 404', async () => {
    const stop = await call(a, '/api/v1/nodes/node-b/stop', OPERATOR, 'POST');
    expect(stop.status).toBe(200);
    expect(stop.json).toMatchObject({ name: 'node-b', up: true });
    const stoppedIn = await within(1500, async () => !(await listening(b.ports.smtp)));
    expect(stoppedIn).toBeLessThan(1000 + 500); // the poll is every 500 ms; the stop itself closes the listeners
    await within(LEASE_SECONDS * 1000, async () => (await nodeOn(a, 'node-b'))?.running === false);
    expect(await listening(a.ports.smtp)).toBe(true); // only node-b

    expect((await call(a, '/api/v1/nodes/node-b/start', OPERATOR, 'POST')).status).toBe(200);
    await within(1500, async () => (await listening(b.ports.smtp)) && (await listening(b.ports.imap)));

    expect((await call(a, '/api/v1/nodes/node-b/stop', VIEWER, 'POST')).status).toBe(403);
    const unknown = await call(a, '/api/v1/nodes/node-z/stop', OPERATOR, 'POST');
    expect(unknown).toEqual({ status: 404, json: expect.objectContaining({ error: expect.objectContaining({ code: 'not_found' }) }) });

    const trail = (await call(a, '/api/v1/audit?limit=50', ADMIN)).json.items as Array<{ action: string; details: Record<string, unknown> }>;
    expect(trail.filter((e) => e.action.startsWith('node.')).map((e) => [e.action, e.details.node])).toEqual(
      expect.arrayContaining([
        ['node.stop', 'node-b'],
        ['node.start', 'node-b'],
      ]),
    );
  }, 30_000);

  it('keeps a node stopped through /api/v1/server/stop (its poll does not start it again)', async () => {
    expect((await call(b, '/api/v1/server/stop', OPERATOR, 'POST')).json).toMatchObject({ running: false });
    await sleep(1500); // three polls
    expect(await listening(b.ports.smtp)).toBe(false);
    expect((await nodeOn(a, 'node-b'))?.running).toBe(false);
    expect((await call(b, '/api/v1/server/start', OPERATOR, 'POST')).json).toMatchObject({ running: true });
    await sleep(1500);
    expect(await listening(b.ports.smtp)).toBe(true);
  }, 30_000);

  it('refuses a second live node under a taken name with one line, and frees a name at once on a clean stop', async () => {
    const twin = await node('node-a');
    const refused = await serveOnce(twin);
    expect(refused.code).toBe(69);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^mailroom: another live node is named "node-a" \(heartbeat \d+ s ago\): give this node its own cluster\.node_name/)]);
    expect(await listening(twin.ports.smtp)).toBe(false);

    // Two processes starting under one new name at the same moment: exactly one registers.
    const twins = [await node('node-d'), await node('node-d')];
    const outcomes = await Promise.allSettled(twins.map((t) => t.start()));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(String((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason)).toMatch(/exited with 69[\s\S]*another live node is named "node-d"/);
    await twins[outcomes.findIndex((o) => o.status === 'fulfilled')]!.stop();
    expect(await nodeOn(a, 'node-d')).toMatchObject({ up: false, running: false });
    expect((await a.admin('/api/v1/nodes/node-d', { method: 'DELETE', headers: { authorization: `Bearer ${OPERATOR}` } })).status).toBe(204); // stopped cleanly: forgettable at once

    // A long lease: only a clean stop can free this name in time.
    const c = await node('node-c', { MAILROOM_CLUSTER_LEASE_SECONDS: '120' });
    await c.start();
    await c.stop();
    const again = await node('node-c', { MAILROOM_CLUSTER_LEASE_SECONDS: '120' });
    await again.start();
    await within(2000, async () => (await nodeOn(a, 'node-c'))?.running === true);
    // Killed, it keeps the name for its lease: a successor is refused meanwhile.
    await again.kill();
    const successor = await serveOnce(await node('node-c', { MAILROOM_CLUSTER_LEASE_SECONDS: '120' }));
    expect(successor.code).toBe(69);
    expect(successor.stderr).toContain('another live node is named "node-c"');
    // Retired for this test: marked stopped cleanly as an operator's SIGTERM would have (so no warning remains).
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`UPDATE nodes SET token = NULL WHERE name = 'node-c'`);
    await client.end();
  }, 60_000);

  it('shows a killed node down after its lease (list, warnings, mailroom_cluster_node_up), forgets it on request, and frees its name', async () => {
    await b.kill();
    const downIn = await within(LEASE_SECONDS * 1000 + 2000, async () => (await nodeOn(a, 'node-b'))?.up === false);
    expect(downIn).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + 2000);
    expect(await nodeOn(a, 'node-b')).toMatchObject({ up: false, running: false, sessions: { smtp: 0, submission: 0, pop3: 0, imap: 0 } });

    // No recheck asked: node-a's next heartbeat (lease/3) sees the change and runs the self-test.
    const warnings = async () => (await call(a, '/api/v1/warnings')).json.items as Array<{ id: string; message: string }>;
    await within(LEASE_SECONDS * 1000, async () => (await warnings()).some((w) => w.id === 'cluster_node_down'));
    expect((await warnings()).find((w) => w.id === 'cluster_node_down')?.message).toContain('node-b');
    const metrics = await (await a.admin('/metrics')).text();
    expect(metrics).toContain('mailroom_cluster_node_up{node="node-b"} 0');
    expect(metrics).toContain('mailroom_cluster_node_up{node="node-a"} 1');
    expect(metrics).not.toContain('node="node-c"'); // stopped cleanly: no series, no alert

    // A node down for good is forgotten (operator); a live one is not.
    expect((await call(a, '/api/v1/nodes/node-a', OPERATOR, 'DELETE')).status).toBe(409);
    expect((await call(a, '/api/v1/nodes/node-z', OPERATOR, 'DELETE')).status).toBe(404);
    expect((await a.admin('/api/v1/nodes/node-b', { method: 'DELETE', headers: { authorization: `Bearer ${OPERATOR}` } })).status).toBe(204);
    expect((await nodes(a)).map((n) => n.name)).toEqual(['node-a', 'node-c']);
    expect(await (await a.admin('/metrics')).text()).not.toContain('node="node-b"');
    const forgotten = (await call(a, '/api/v1/warnings/recheck', OPERATOR, 'POST')).json.items as Array<{ id: string }>;
    expect(forgotten.map((w) => w.id)).not.toContain('cluster_node_down');

    b = await node('node-b');
    await b.start(); // the lease ran out: the name is free
    await within(2000, async () => (await nodeOn(a, 'node-b'))?.running === true);
    expect((await nodes(a)).map((n) => n.name)).toEqual(['node-a', 'node-b', 'node-c']);
  }, 60_000);
  it('stops serving when another process took its name while it could not reach the database, and serves again once the name is back', async () => {
    // node-e reaches the database through a proxy the test cuts; the others do not.
    const proxy = await TcpProxy.start({ host: PG_HOST, port: PG_PORT });
    try {
      const e = await node('node-e', { MAILROOM_DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/${db.name}` });
      await e.start();
      await within(2000, async () => (await nodeOn(a, 'node-e'))?.running === true);
      await proxy.stop();
      await within(LEASE_SECONDS * 1000 + 2000, async () => (await nodeOn(a, 'node-e'))?.up === false);
      const usurper = await node('node-e');
      await usurper.start(); // its lease ran out: the name is taken over
      await proxy.resume();
      // node-e's next heartbeat finds the row is not its own: it stops serving, with one error line.
      await within(LEASE_SECONDS * 1000 + 3000, async () => !(await listening(e.ports.smtp)));
      expect(e.output.match(/another process took over this node name/g)).toHaveLength(1);
      expect(e.child?.exitCode).toBeNull();
      expect(await listening(usurper.ports.smtp)).toBe(true);
      await sleep(1500); // polls read the usurper's wish ("running"): they must not start node-e again
      expect(await listening(e.ports.smtp)).toBe(false);
      // The usurper stops cleanly: node-e registers again at its next heartbeat and serves.
      await usurper.stop();
      await within(LEASE_SECONDS * 1000 + 3000, async () => await listening(e.ports.smtp));
      expect(await nodeOn(a, 'node-e')).toMatchObject({ up: true });
    } finally {
      await proxy.stop();
    }
  }, 90_000);
});
