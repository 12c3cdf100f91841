import { describe, expect, it } from 'vitest';
import type { NodeRecord } from '../store/cluster-store.ts';
import { clusterWarnings, plaintextDatabaseWarnings, synchronousCommitWarnings } from './checks-cluster.ts';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const idle = { smtp: 0, submission: 0, pop3: 0, imap: 0 };
const node = (name: string, over: Partial<NodeRecord> = {}): NodeRecord => ({
  name,
  version: '0.1.0',
  schemaVersion: 2,
  startedAt: NOW - 60_000,
  lastSeen: NOW,
  up: true,
  stoppedCleanly: false,
  running: true,
  desired: 'running',
  sessions: idle,
  ...over,
});

const run = (nodes: NodeRecord[], opts: { skew?: number | null; schema?: number; url?: string } = {}) =>
  clusterWarnings({
    cluster: { listNodes: async () => nodes, databaseSettings: async () => null },
    self: 'a',
    schemaVersion: opts.schema ?? 2,
    clockSkewMs: () => opts.skew ?? null,
    databaseUrl: opts.url,
  })();

describe('cluster warnings', () => {
  it('says nothing about a healthy cluster', async () => {
    expect(await run([node('a'), node('b')], { skew: 150 })).toEqual([]);
  });

  it('warns about a node that stopped heartbeating, not about one stopped cleanly', async () => {
    const warnings = await run([node('a'), node('b', { up: false, lastSeen: NOW - 90_000 }), node('c', { up: false, stoppedCleanly: true })]);
    expect(warnings.map((w) => [w.id, w.severity])).toEqual([['cluster_node_down', 'high']]);
    expect(warnings[0]!.message).toContain('b (last seen 2026-12-04T11:58:30.000Z)');
    expect(warnings[0]!.message).not.toContain('c (');
  });

  it('warns when this node clock is more than 2 s off the database, either way', async () => {
    expect(await run([node('a')], { skew: 2000 })).toEqual([]);
    expect((await run([node('a')], { skew: 2500 }))[0]).toMatchObject({ id: 'cluster_clock_skew', message: expect.stringContaining('2.5 s ahead of') });
    expect((await run([node('a')], { skew: -3100 }))[0]).toMatchObject({ id: 'cluster_clock_skew', message: expect.stringContaining('3.1 s behind') });
  });

  it('warns when a live node knows an older schema than another, naming the older ones', async () => {
    const older = await run([node('a'), node('b', { schemaVersion: 3 })]);
    expect(older.map((w) => w.id)).toEqual(['cluster_schema_older']);
    expect(older[0]!.message).toMatch(/^Node\(s\) a know an older schema \(2\) than another node \(3\)/);
    const otherOlder = await run([node('a', { schemaVersion: 3 }), node('b', { schemaVersion: 2 })], { schema: 3 });
    expect(otherOlder[0]!.message).toMatch(/^Node\(s\) b know/);
    // A dead node's old build does not count: it is not running against this schema.
    expect(await run([node('a'), node('b', { schemaVersion: 1, up: false, stoppedCleanly: true })])).toEqual([]);
  });
});

describe('PostgreSQL without TLS', () => {
  it('warns for a network host with sslmode disable, not for loopback or TLS', () => {
    expect(plaintextDatabaseWarnings('postgres://mail:secret@db.example.com:5432/mail')).toEqual([expect.objectContaining({ id: 'database_plaintext', severity: 'high' })]);
    expect(plaintextDatabaseWarnings('postgres://mail:secret@10.0.0.5/mail?sslmode=disable')[0]!.message).toContain('10.0.0.5');
    expect(plaintextDatabaseWarnings('postgres://mail:secret@10.0.0.5/mail?sslmode=disable')[0]!.message).not.toContain('secret');
    expect(plaintextDatabaseWarnings('postgres://mail@db.example.com/mail?sslmode=require')).toEqual([]);
    expect(plaintextDatabaseWarnings('postgres://mail@127.0.0.1/mail')).toEqual([]);
    expect(plaintextDatabaseWarnings('postgres://mail@localhost/mail')).toEqual([]);
    expect(plaintextDatabaseWarnings('postgres://mail@[::1]/mail')).toEqual([]);
  });
});

describe('synchronous_commit', () => {
  it('is critical when off on our connections, medium when off as the database or role default', () => {
    expect(synchronousCommitWarnings('on', null)).toEqual([]);
    expect(synchronousCommitWarnings('on', 'on')).toEqual([]);
    expect(synchronousCommitWarnings('off', null)).toEqual([expect.objectContaining({ id: 'database_synchronous_commit_off', severity: 'critical' })]);
    expect(synchronousCommitWarnings('on', 'off')).toEqual([expect.objectContaining({ id: 'database_synchronous_commit_off', severity: 'medium' })]);
    expect(synchronousCommitWarnings('on', 'local')).toEqual([expect.objectContaining({ severity: 'medium' })]);
  });
});
