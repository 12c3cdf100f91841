// The audit trail (issue 19 item 8): its own stream that no log switch or level turns off. With every
// log category switched off and the level at warn, a queue action, refused requests (401, 403 naming the
// token), the logging switch itself and a CLI change are all recorded, read back through
// GET /api/v1/audit (admin only), written to stdout and pushed to Loki under category="audit".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LokiReceiver } from './helpers/loki-receiver.ts';
import { MailroomProcess } from './helpers/mailroom.ts';

const ADMIN = 'audit-admin-token-6d1c0b9e8f7a5e4d3c2b';
const VIEWER = 'audit-viewer-token-1a2b3c4d5e6f7a8b9c0d';
let mr: MailroomProcess;
let loki: LokiReceiver;

const api = async (path: string, token: string, method = 'GET', body?: unknown) => {
  const res = await mr.admin(path, { method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies are read loosely; the assertions check their shape
  return { status: res.status, json: text ? (JSON.parse(text) as any) : null };
};

beforeAll(async () => {
  loki = await LokiReceiver.start();
  mr = await MailroomProcess.create({
    env: {
      MAILROOM_ADMIN_TOKEN: ADMIN,
      MAILROOM_ADMIN_TOKENS: `kiosk:viewer:${VIEWER}`,
      MAILROOM_LOKI_URL: loki.url,
      MAILROOM_LOKI_BATCH_WAIT_MS: '100',
      MAILROOM_AUTH_FAILURE_DELAY_MS: '10',
      MAILROOM_RELAY: '127.0.0.1:9', // nothing listens: the message stays deferred in the queue
    },
  });
  await mr.cli('domain', 'add', 'example.test');
  await mr.start();
});
afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
  await loki?.close();
});

describe('audit trail', () => {
  it('records actions, refusals, the switches and CLI changes with every category off', async () => {
    const off = Object.fromEntries(['smtp', 'submission', 'pop3', 'imap', 'tcpip', 'delivery', 'application', 'debug'].map((c) => [c, false]));
    expect((await api('/api/v1/logging', ADMIN, 'PUT', { categories: off })).status).toBe(200);

    const injected = await api('/api/v1/messages', ADMIN, 'POST', { from: 'jo@example.test', to: ['someone@remote.test'], raw: 'Subject: audit\r\n\r\nhello\r\n' });
    expect(injected.status).toBe(201);
    const id = injected.json.id as string;
    expect((await api(`/api/v1/queue/${id}/hold`, ADMIN, 'POST')).status).toBe(200);
    expect((await api('/api/v1/server/stop', VIEWER, 'POST')).status).toBe(403);
    expect((await api('/api/v1/status', 'not-a-token-at-all')).status).toBe(401);
    await mr.cli('domain', 'add', 'audited.test');
    await mr.cli('account', 'add', 'amy@audited.test', '--password', 'amy-secret-pw');

    // Read back, newest first; the viewer may not read it.
    expect((await api('/api/v1/audit', VIEWER)).status).toBe(403);
    const trail = (await api('/api/v1/audit?limit=50', ADMIN)).json.items as Array<{ action: string; actor: string; source: string; details: Record<string, unknown> }>;
    const actions = trail.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['logging.update', 'message.inject', 'queue.hold', 'api.refused', 'cli.domain.add', 'cli.account.add']));
    expect(actions.indexOf('cli.account.add')).toBeLessThan(actions.indexOf('queue.hold')); // newest first
    expect(trail.find((e) => e.action === 'queue.hold')).toMatchObject({ actor: 'token:admin-token', source: '127.0.0.1', details: { queueId: id, role: 'admin' } });
    const refused = trail.filter((e) => e.action === 'api.refused');
    expect(refused).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'token:kiosk', details: expect.objectContaining({ status: 403, path: '/api/v1/server/stop', role: 'viewer' }) }),
        expect.objectContaining({ actor: 'anonymous', details: expect.objectContaining({ status: 401, path: '/api/v1/status' }) }),
        expect.objectContaining({ actor: 'token:kiosk', details: expect.objectContaining({ status: 403, path: '/api/v1/audit' }) }),
      ]),
    );
    const cliAdd = trail.find((e) => e.action === 'cli.account.add')!;
    expect(cliAdd.actor).toMatch(/^cli:/);
    expect(cliAdd.details).toMatchObject({ args: ['amy@audited.test'], options: { password: '[hidden]' } });
    expect(JSON.stringify(trail)).not.toContain('amy-secret-pw');

    // Filters.
    const queueOnly = (await api('/api/v1/audit?action=queue.', ADMIN)).json.items as Array<{ action: string }>;
    expect(queueOnly.map((e) => e.action)).toEqual(['queue.hold']);
    expect((await api('/api/v1/audit?limit=0', ADMIN)).status).toBe(400);

    // Shipped: stdout, and Loki under its own stream label, the CLI's lines included.
    await loki.waitFor(
      () => ['queue.hold', 'cli.account.add', 'api.refused', 'logging.update'].every((a) => loki.accepted().some((e) => e.labelSet.category === 'audit' && e.line.includes(`"action":"${a}"`))),
      'audit lines in Loki',
      15_000,
    );
    expect(mr.output.split('\n').some((l) => l.includes('"category":"audit"') && l.includes('"action":"queue.hold"'))).toBe(true);
    // The categories really were off: no application line reached Loki after the switch.
    const after = loki.accepted().filter((e) => e.labelSet.category === 'application' && e.line.includes('admin port: wrong bearer token'));
    expect(after).toEqual([]);
    for (const secret of [ADMIN, VIEWER, 'amy-secret-pw']) expect(mr.output).not.toContain(secret);
  });
});
