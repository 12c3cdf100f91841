// Distribution lists and catch-alls through the admin API and the CLI (docs/admin-api.md, docs/cli.md):
// round trips in both, answers parsed strictly with the schemas the OpenAPI document names, 4xx JSON for
// bad input (a domain that is not local, a bad policy, a list address that is an account, a bad address),
// viewers read and may not write, and every change from either side is in the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as api from '../src/admin/response-schemas.ts';
import { MailroomProcess } from './helpers/mailroom.ts';

/** What the tests read from an answer: an error, a list's policy or a listing. */
type Answer = { error: { code: string; message: string }; policy: string; items: Array<{ action: string }> };

const ADMIN = 'lists-test-admin-token-4b7e2c9d1f3a';
const VIEWER = 'lists-test-viewer-token-8a1d5f3c7e2b';
let mr: MailroomProcess;

async function call(path: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; json: Answer }> {
  const res = await mr.admin(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (res.status === 204 ? null : await res.json()) as Answer };
}

function expectError(r: { status: number; json: Answer }, status: number, code: string): void {
  expect(r.status).toBe(status);
  expect(r.json.error.code).toBe(code);
  expect(r.json.error.message.length).toBeGreaterThan(0);
}

beforeAll(async () => {
  mr = await MailroomProcess.create({ env: { MAILROOM_ADMIN_TOKEN: ADMIN, MAILROOM_ADMIN_TOKENS: `grafana:viewer:${VIEWER}` } });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'erin@example.test', '--password', 'erin-password');
  await mr.start();
}, 180_000);

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('lists and catch-alls over the admin API', () => {
  it('creates, reads, changes and removes a list and its members', async () => {
    const created = await call('/api/v1/lists', ADMIN, 'POST', { address: 'Team@Example.test', members: ['erin@example.test', 'friend@remote.test'] });
    expect(created.status).toBe(201);
    expect(api.distributionListSchema.parse(created.json)).toMatchObject({ address: 'team@example.test', policy: 'anyone', members: ['erin@example.test', 'friend@remote.test'] });
    expect((await call('/api/v1/lists/team@example.test/members', ADMIN, 'POST', { address: 'ops@example.test' })).status).toBe(201);
    expect((await call('/api/v1/lists/team@example.test/members', ADMIN, 'POST', { address: 'ops@example.test' })).status).toBe(200);
    const patched = await call('/api/v1/lists/team@example.test', ADMIN, 'PATCH', { policy: 'members' });
    expect(patched.json.policy).toBe('members');
    expect((await call('/api/v1/lists/team@example.test/members/friend@remote.test', ADMIN, 'DELETE')).status).toBe(204);
    const one = await call('/api/v1/lists/team@example.test', VIEWER);
    expect(api.distributionListSchema.parse(one.json).members).toEqual(['erin@example.test', 'ops@example.test']);
    const all = await call('/api/v1/lists', VIEWER);
    expect(api.distributionListListSchema.parse(all.json).items.map((l) => l.address)).toEqual(['team@example.test']);
    expect((await call('/api/v1/lists/team@example.test', ADMIN, 'DELETE')).status).toBe(204);
    expectError(await call('/api/v1/lists/team@example.test', VIEWER), 404, 'not_found');
  });

  it('refuses bad input with 4xx JSON', async () => {
    expectError(await call('/api/v1/lists', ADMIN, 'POST', { address: 'team@nowhere.test' }), 422, 'invalid');
    expectError(await call('/api/v1/lists', ADMIN, 'POST', { address: 'erin@example.test' }), 409, 'conflict');
    expectError(await call('/api/v1/lists', ADMIN, 'POST', { address: 'x@example.test', policy: 'everybody' }), 422, 'invalid_body');
    expectError(await call('/api/v1/lists', ADMIN, 'POST', { address: 'not an address' }), 422, 'invalid_body');
    expectError(await call('/api/v1/lists/nosuch@example.test/members', ADMIN, 'POST', { address: 'a@b.test' }), 404, 'not_found');
    expectError(await call('/api/v1/catch-all/nowhere.test', ADMIN, 'PUT', { target: 'erin@example.test' }), 404, 'not_found');
    expectError(await call('/api/v1/catch-all/example.test', ADMIN, 'DELETE'), 404, 'not_found');
    expectError(await call('/api/v1/lists', VIEWER, 'POST', { address: 'v@example.test' }), 403, 'forbidden');
  });

  it('sets, lists and removes a catch-all', async () => {
    const set = await call('/api/v1/catch-all/Example.test', ADMIN, 'PUT', { target: 'erin@example.test' });
    expect(api.catchAllSchema.parse(set.json)).toEqual({ domain: 'example.test', target: 'erin@example.test' });
    expect(api.catchAllListSchema.parse((await call('/api/v1/catch-all', VIEWER)).json).items).toEqual([{ domain: 'example.test', target: 'erin@example.test' }]);
    expect((await call('/api/v1/catch-all/example.test', ADMIN, 'DELETE')).status).toBe(204);
    expect((await call('/api/v1/catch-all', VIEWER)).json.items).toEqual([]);
  });

  it('the CLI round trip; bad input is one line on stderr with a non-zero exit', async () => {
    expect(await mr.cli('list', 'add', 'crew@example.test', '--policy', 'authenticated')).toBe('added list crew@example.test policy authenticated\n');
    await mr.cli('list', 'members', 'add', 'crew@example.test', 'erin@example.test');
    expect(await mr.cli('list', 'show', 'crew@example.test')).toBe('crew@example.test\tpolicy authenticated\t1 member\n  erin@example.test\n');
    expect(await mr.cli('list', 'list')).toBe('crew@example.test\tpolicy authenticated\t1 member\n');
    await mr.cli('catchall', 'set', 'example.test', 'crew@example.test');
    expect(await mr.cli('catchall', 'list')).toBe('example.test -> crew@example.test\n');
    await mr.cli('catchall', 'remove', 'example.test');
    await mr.cli('list', 'members', 'remove', 'crew@example.test', 'erin@example.test');
    await mr.cli('list', 'remove', 'crew@example.test');
    expect(await mr.cli('list', 'list')).toBe('');
    for (const args of [
      ['list', 'add', 'x@example.test', '--policy', 'everybody'],
      ['list', 'add', 'erin@example.test'],
      ['list', 'add', 'x@nowhere.test'],
      ['catchall', 'set', 'nowhere.test', 'erin@example.test'],
    ]) {
      const failed = await mr.cli(...args).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed, args.join(' ')).not.toBeNull();
      expect(failed!.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  }, 180_000);

  it('every change, from the API or the CLI, is in the audit trail', async () => {
    const actions = (await call('/api/v1/audit?limit=500', ADMIN)).json.items.map((e) => e.action);
    for (const a of [
      'list.create',
      'list.member.add',
      'list.update',
      'list.member.remove',
      'list.delete',
      'catchall.set',
      'catchall.delete',
      'cli.list.add',
      'cli.list.members.add',
      'cli.catchall.set',
      'cli.catchall.remove',
      'cli.list.remove',
    ]) {
      expect(actions, a).toContain(a);
    }
    expect(actions).not.toContain('cli.list.list');
  });
});
