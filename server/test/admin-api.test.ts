// The admin API contract: every endpoint in the OpenAPI document refuses a missing or wrong token
// (401) and a role that is too weak (403); happy paths answer with the documented shapes; bad
// parameters get 400 or 422 with {"error": {"code", "message"}}; actions leave audit lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as api from '../src/admin/response-schemas.ts';
import { MailroomProcess } from './helpers/mailroom.ts';

const ADMIN = 'admin-api-test-admin-token-7c1d9e2f4a6b';
const OPERATOR = 'admin-api-test-operator-token-3e8a1c5b9d';
const VIEWER = 'admin-api-test-viewer-token-9b2f6d4e1a';
let mr: MailroomProcess;

const call = (path: string, token: string | null, method = 'GET', body?: unknown, extra: Record<string, string> = {}) =>
  mr.admin(path, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...extra },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });

async function expectError(res: Response, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (code) expect(body.error.code).toBe(code);
  return body;
}

beforeAll(async () => {
  mr = await MailroomProcess.create({
    // Wrong tokens are answered after auth.failure_delay_ms; short here, as this file sends one per endpoint
    // (admin-port-hardening.test.ts checks the default delay).
    env: { MAILROOM_ADMIN_TOKEN: ADMIN, MAILROOM_ADMIN_TOKENS: `ops:operator:${OPERATOR},grafana-viewer:viewer:${VIEWER}`, MAILROOM_AUTH_FAILURE_DELAY_MS: '50' },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.cli('account', 'add', 'erin@example.test', '--password', 'erin-password');
  await mr.start();
});

afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

describe('authentication and roles on every documented endpoint', () => {
  it('answers 401 without a token or with a wrong one, and 403 for a role that is too weak', async () => {
    const spec = (await (await mr.admin('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-required-role'?: string }>> };
    const rank = { viewer: 1, operator: 2, admin: 3 } as const;
    let checked = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const role = op['x-required-role'] as keyof typeof rank | undefined;
        if (!role) continue;
        const url = path.replace('{id}', '0000000000NOSUCHID').replace('{name}', 'nosuch.test').replace('{address}', 'nosuch@example.test');
        const m = method.toUpperCase();
        await expectError(await call(url, null, m), 401, 'unauthorized');
        await expectError(await call(url, 'not-a-valid-token-at-all', m), 401, 'unauthorized');
        if (rank[role] > rank.viewer) await expectError(await call(url, VIEWER, m), 403, 'forbidden');
        if (rank[role] > rank.operator) await expectError(await call(url, OPERATOR, m), 403, 'forbidden');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(25);
  });

  it('needs no token for health, readiness, metrics and the OpenAPI document', async () => {
    expect((await mr.admin('/healthz')).status).toBe(200);
    expect((await mr.admin('/readyz')).status).toBe(200);
    expect((await mr.admin('/metrics')).status).toBe(200);
    const spec = await (await mr.admin('/api/v1/openapi.json')).json();
    expect(spec.openapi).toBe('3.1.0');
  });
});

describe('happy paths', () => {
  it('describes the server and the status', async () => {
    const server = await (await call('/api/v1/server', VIEWER)).json();
    expect(server).toMatchObject({ running: true, version: expect.any(String), database: { driver: 'sqlite', version: expect.any(String), location: expect.stringContaining('mailroom.db') } });
    expect(server.listeners.map((l: { protocol: string }) => l.protocol).sort()).toEqual(['imap', 'pop3', 'smtp', 'submission']);
    const status = await (await call('/api/v1/status', VIEWER)).json();
    expect(status).toMatchObject({ running: true, processedMessages: 0, virusesDetected: 0, spamDetected: 0, sessions: { smtp: 0, submission: 0, pop3: 0, imap: 0 } });
  });

  it('manages domains, accounts and aliases', async () => {
    expect((await call('/api/v1/domains', ADMIN, 'POST', { name: 'Second.TEST' })).status).toBe(201);
    expect((await (await call('/api/v1/domains', VIEWER)).json()).items).toEqual([{ name: 'example.test' }, { name: 'second.test' }]);
    await expectError(await call('/api/v1/domains', ADMIN, 'POST', { name: 'second.test' }), 409, 'conflict');
    expect((await call('/api/v1/accounts', ADMIN, 'POST', { address: 'frank@second.test', password: 'long-enough-pw' })).status).toBe(201);
    expect((await call('/api/v1/accounts/frank@second.test', ADMIN, 'PATCH', { password: 'another-long-pw' })).status).toBe(200);
    expect((await call('/api/v1/aliases', ADMIN, 'POST', { address: 'sales@second.test', target: 'frank@second.test' })).status).toBe(201);
    expect((await (await call('/api/v1/aliases', VIEWER)).json()).items).toEqual([{ address: 'sales@second.test', target: 'frank@second.test' }]);
    expect((await call('/api/v1/aliases/sales@second.test', ADMIN, 'DELETE')).status).toBe(204);
    expect((await call('/api/v1/accounts/frank@second.test', ADMIN, 'DELETE')).status).toBe(204);
    expect((await call('/api/v1/domains/second.test', ADMIN, 'DELETE')).status).toBe(204);
    await expectError(await call('/api/v1/domains/second.test', ADMIN, 'DELETE'), 404, 'not_found');
  });

  it('shows and sets storage quotas on accounts, and refuses bad limits with 422', async () => {
    const erin = async () => ((await (await call('/api/v1/accounts', VIEWER)).json()) as { items: Array<{ address: string; quota: unknown }> }).items.find((a) => a.address === 'erin@example.test')!;
    expect((await erin()).quota).toEqual({ limitBytes: 0, limitMessages: 0, ownBytes: null, ownMessages: null, usedBytes: 0, usedMessages: 0 });
    expect((await call('/api/v1/accounts/erin@example.test', ADMIN, 'PATCH', { quotaBytes: 5_000_000, quotaMessages: 100 })).status).toBe(200);
    expect((await erin()).quota).toMatchObject({ limitBytes: 5_000_000, limitMessages: 100, ownBytes: 5_000_000, ownMessages: 100 });
    expect((await call('/api/v1/accounts/erin@example.test', ADMIN, 'PATCH', { quotaMessages: null })).status).toBe(200);
    expect((await erin()).quota).toMatchObject({ limitBytes: 5_000_000, limitMessages: 0, ownMessages: null });
    const bad = await expectError(await call('/api/v1/accounts/erin@example.test', ADMIN, 'PATCH', { quotaBytes: -1 }), 422);
    expect(bad.error.message).toContain('quotaBytes');
    await expectError(await call('/api/v1/accounts/erin@example.test', ADMIN, 'PATCH', { quotaBytes: '1G' }), 422);
    await expectError(await call('/api/v1/accounts/erin@example.test', ADMIN, 'PATCH', {}), 422);
    await expectError(await call('/api/v1/accounts/nosuch@example.test', ADMIN, 'PATCH', { quotaBytes: 1 }), 404, 'not_found');
    await expectError(await call('/api/v1/accounts/erin@example.test', OPERATOR, 'PATCH', { quotaBytes: 1 }), 403, 'forbidden');
    expect((await erin()).quota).toMatchObject({ limitBytes: 5_000_000 });
    expect(await (await mr.admin('/metrics', { headers: { Authorization: `Bearer ${VIEWER}` } })).text()).toMatch(/^mailroom_accounts_near_quota 0$/m);
  });

  it('injects a message that counts as processed and can be shown while queued', async () => {
    await call('/api/v1/server/stop', OPERATOR, 'POST');
    const res = await call('/api/v1/messages', ADMIN, 'POST', {
      from: 'ops@remote.test',
      to: ['erin@example.test'],
      raw: 'From: Ops <ops@remote.test>\nTo: erin@example.test\nSubject: injected\nContent-Type: text/html\n\n<p onclick="x()">Hello <script>alert(1)</script><b>there</b></p>\n',
    });
    expect(res.status).toBe(201);
    const { id } = await res.json();
    const page = await (await call('/api/v1/queue?limit=10', VIEWER)).json();
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({ id, from: 'ops@remote.test', to: ['erin@example.test'], state: 'queued', attempts: 0 });
    // Content is private: a viewer sees the envelope above, an operator the message.
    await expectError(await call(`/api/v1/queue/${id}/content`, VIEWER), 403, 'forbidden');
    await expectError(await call(`/api/v1/queue/${id}/content?format=parsed`, VIEWER), 403, 'forbidden');
    const raw = await call(`/api/v1/queue/${id}/content`, OPERATOR);
    // Exactly message/rfc822, and a browser must not sniff the HTML inside into a page of this origin.
    expect(raw.headers.get('content-type')).toBe('message/rfc822');
    expect(raw.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await raw.text()).toContain('Subject: injected\r\n');
    const parsed = await (await call(`/api/v1/queue/${id}/content?format=parsed`, OPERATOR)).json();
    expect(parsed.subject).toBe('injected');
    expect(parsed.html).toContain('<b>there</b>');
    expect(parsed.html).not.toContain('script');
    expect(parsed.html).not.toContain('onclick');
    expect((await (await call('/api/v1/status', VIEWER)).json()).processedMessages).toBe(1);
    await call('/api/v1/server/start', OPERATOR, 'POST');
  });

  it('acts on selected messages in one bulk request, listing the ones it could not act on', async () => {
    await call('/api/v1/server/stop', OPERATOR, 'POST');
    const made: string[] = [];
    for (const n of [1, 2]) {
      const res = await call('/api/v1/messages', ADMIN, 'POST', { from: 'ops@remote.test', to: ['erin@example.test'], raw: `Subject: bulk ${n}\n\nhi\n` });
      made.push(((await res.json()) as { id: string }).id);
    }
    await expectError(await call('/api/v1/queue/bulk', VIEWER, 'POST', { action: 'hold', ids: made }), 403, 'forbidden');
    const held = await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'hold', ids: [...made, '0000000000NOSUCHID', 'not an id'] });
    expect(held.status).toBe(200);
    expect(await held.json()).toEqual({
      action: 'hold',
      done: 2,
      failed: [
        { id: '0000000000NOSUCHID', message: 'no such queued message' },
        { id: 'not an id', message: 'no such queued message' },
      ],
    });
    for (const id of made) expect((await (await call(`/api/v1/queue/${id}`, VIEWER)).json()).held).toBe(true);
    // send-now refuses a held message, and says so for that message only.
    const sent = await (await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'send-now', ids: [made[0]] })).json();
    expect(sent).toMatchObject({ done: 0, failed: [{ id: made[0], message: expect.stringContaining('is held') }] });
    const removed = await (await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'remove', ids: made })).json();
    expect(removed).toMatchObject({ done: 2, failed: [] });
    for (const id of made) expect((await call(`/api/v1/queue/${id}`, VIEWER)).status).toBe(404);
    await expectError(await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'explode', ids: made }), 422, 'invalid_body');
    await expectError(await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'hold', ids: [] }), 422, 'invalid_body');
    await call('/api/v1/server/start', OPERATOR, 'POST');
  });

  it('writes audit lines naming the token and the Grafana user, never the secret', async () => {
    await call('/api/v1/warnings/recheck', OPERATOR, 'POST', undefined, { 'X-Grafana-User': 'grafana-admin' });
    await new Promise((r) => setTimeout(r, 200));
    const line = mr.output.split('\n').find((l) => l.includes('"action":"warnings.recheck"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ category: 'audit', actor: 'token:ops', details: { role: 'operator', grafanaUser: 'grafana-admin' } });
    for (const secret of [ADMIN, OPERATOR, VIEWER]) expect(mr.output).not.toContain(secret);
  });
});

describe('bad input', () => {
  it('answers 400 for bad query parameters', async () => {
    await expectError(await call('/api/v1/queue?limit=0', VIEWER), 400, 'invalid_parameters');
    await expectError(await call('/api/v1/queue?limit=abc', VIEWER), 400, 'invalid_parameters');
    await expectError(await call('/api/v1/queue?state=bogus', VIEWER), 400, 'invalid_parameters');
    await expectError(await call('/api/v1/queue?sort=sideways', VIEWER), 400, 'invalid_parameters');
    await expectError(await call('/api/v1/queue/0000000000NOSUCHID/content?format=pdf', OPERATOR), 400, 'invalid_parameters');
  });

  it('answers 400 for malformed JSON and 415 for a body that is not JSON', async () => {
    await expectError(await call('/api/v1/domains', ADMIN, 'POST', '{"name": '), 400, 'bad_json');
    await expectError(await mr.admin('/api/v1/domains', { method: 'POST', headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'text/plain' }, body: 'name=x' }), 415);
  });

  it('answers 422 for bodies that fail validation', async () => {
    await expectError(await call('/api/v1/domains', ADMIN, 'POST', { name: 'not a domain!' }), 422, 'invalid_body');
    await expectError(await call('/api/v1/accounts', ADMIN, 'POST', { address: 'x@example.test', password: 'short' }), 422, 'invalid_body');
    await expectError(await call('/api/v1/accounts', ADMIN, 'POST', { address: 'x@nolocal.test', password: 'long-enough-pw' }), 422);
    await expectError(await call('/api/v1/messages', ADMIN, 'POST', { from: 'a@b.test', raw: 'x' }), 422, 'invalid_body');
    await expectError(await call('/api/v1/messages', ADMIN, 'POST', { from: 'a@b.test', to: ['nobody@example.test'], raw: 'x' }), 422, 'recipient_rejected');
  });

  it('answers 404 for unknown ids and routes, 405 for a wrong method', async () => {
    await expectError(await call('/api/v1/queue/0000000000NOSUCHID', VIEWER), 404, 'not_found');
    await expectError(await call('/api/v1/queue/0000000000NOSUCHID/hold', OPERATOR, 'POST'), 404, 'not_found');
    await expectError(await call('/api/v1/nothing-here', VIEWER), 404, 'not_found');
    await expectError(await call('/api/v1/status', VIEWER, 'PUT'), 405, 'method_not_allowed');
  });
});

// Last: it stops and starts the server and leaves audit lines of its own.
describe('response shapes', () => {
  // The Grafana app's types are generated from the document, so the document must say what the routes
  // really answer: each route names its schema, and a real answer parses with it strictly (no field
  // missing, extra or of another type).
  it('answers the routes the Grafana app reads with exactly the schemas the OpenAPI document names', async () => {
    const doc = await (await mr.admin('/api/v1/openapi.json')).json();
    const checked: string[] = [];
    const expectAnswer = async (schema: z.ZodType, docPath: string, method: string, url: string, token: string, body?: unknown) => {
      const res = await call(url, token, method.toUpperCase(), body);
      expect(res.status, `${method} ${url}`).toBe(200);
      const content = doc.paths[docPath][method].responses['200'].content['application/json'];
      expect(content.schema, `${method} ${docPath} in the document`).toEqual({ $ref: `#/components/schemas/${api.apiSchemas.get(schema)!.id}` });
      const parsed = schema.safeParse(await res.json());
      expect(parsed.error?.issues ?? [], `${method} ${url}`).toEqual([]);
      checked.push(`${method} ${docPath}`);
      return parsed.data as never;
    };
    await expectAnswer(api.serverInfoSchema, '/api/v1/server/stop', 'post', '/api/v1/server/stop', OPERATOR);
    const injected = await call('/api/v1/messages', ADMIN, 'POST', { from: 'ops@remote.test', to: ['erin@example.test'], raw: 'Subject: shapes\n\n<b>hi</b>\n' });
    const { id } = (await injected.json()) as { id: string };
    await expectAnswer(api.serverInfoSchema, '/api/v1/server', 'get', '/api/v1/server', VIEWER);
    await expectAnswer(api.statusInfoSchema, '/api/v1/status', 'get', '/api/v1/status', VIEWER);
    await expectAnswer(api.warningListSchema, '/api/v1/warnings', 'get', '/api/v1/warnings', VIEWER);
    await expectAnswer(api.warningListSchema, '/api/v1/warnings/recheck', 'post', '/api/v1/warnings/recheck', OPERATOR);
    const page: { items: unknown[] } = await expectAnswer(api.queuePageSchema, '/api/v1/queue', 'get', '/api/v1/queue?limit=10', VIEWER);
    expect(page.items.length).toBeGreaterThan(0);
    await expectAnswer(api.queueItemSchema, '/api/v1/queue/{id}', 'get', `/api/v1/queue/${id}`, VIEWER);
    await expectAnswer(api.parsedMessageSchema, '/api/v1/queue/{id}/content', 'get', `/api/v1/queue/${id}/content?format=parsed`, OPERATOR);
    for (const action of ['hold', 'release', 'send-now']) await expectAnswer(api.queueActionResultSchema, `/api/v1/queue/{id}/${action}`, 'post', `/api/v1/queue/${id}/${action}`, OPERATOR);
    await expectAnswer(api.messageCountSchema, '/api/v1/queue/send-now', 'post', '/api/v1/queue/send-now?state=queued', OPERATOR);
    await expectAnswer(api.queueBulkResultSchema, '/api/v1/queue/bulk', 'post', '/api/v1/queue/bulk', OPERATOR, { action: 'hold', ids: [id] });
    await call('/api/v1/queue/bulk', OPERATOR, 'POST', { action: 'release', ids: [id] });
    await expectAnswer(api.loggingSettingsSchema, '/api/v1/logging', 'get', '/api/v1/logging', VIEWER);
    await expectAnswer(api.loggingSettingsSchema, '/api/v1/logging', 'put', '/api/v1/logging', ADMIN, { categories: { debug: false } });
    await expectAnswer(api.removedCountSchema, '/api/v1/queue', 'delete', '/api/v1/queue', OPERATOR);
    await expectAnswer(api.serverInfoSchema, '/api/v1/server/start', 'post', '/api/v1/server/start', OPERATOR);
    // On SQLite the cluster is this node alone (postgres-nodes.test.ts has several).
    const { nodes }: { nodes: Array<{ name: string; up: boolean; running: boolean }> } = await expectAnswer(api.nodeListSchema, '/api/v1/nodes', 'get', '/api/v1/nodes', VIEWER);
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({ up: true, running: true });
    await expectAnswer(api.nodeListSchema.shape.nodes.element, '/api/v1/nodes/{name}/start', 'post', `/api/v1/nodes/${encodeURIComponent(nodes[0]!.name)}/start`, OPERATOR);
    expect(checked).toHaveLength(19);
  });
});
