import { beforeEach, describe, expect, it } from 'vitest';
import { config } from '@grafana/runtime';
import { logStreamUrl, mailroomApi } from './mailroom';
import { PROXY_BASE } from '../constants';
import { MailroomError } from './errors';
import { FakeBackend } from '../test/fakeBackend';

let backend: FakeBackend;

beforeEach(() => {
  backend = new FakeBackend()
    .on('GET', /.*/, { data: {} })
    .on('POST', /.*/, { data: {} })
    .on('DELETE', /.*/, { data: { removed: 0 } })
    .on('PUT', /.*/, { data: {} })
    .install();
});

describe('mailroomApi', () => {
  it('calls every route through the plugin proxy with the right method', async () => {
    const id = '01JDX3AAAAAAAAAAAAAAAAAAA1';
    await mailroomApi.server();
    await mailroomApi.startServer();
    await mailroomApi.stopServer();
    await mailroomApi.status();
    await mailroomApi.warnings();
    await mailroomApi.recheckWarnings();
    await mailroomApi.listQueue({ offset: 50, limit: 25, sort: '-size', search: ' bob ', state: 'held' });
    await mailroomApi.queueItem(id);
    await mailroomApi.parsedContent(id);
    await mailroomApi.rawContent(id);
    for (const a of ['send-now', 'hold', 'release', 'bounce'] as const) await mailroomApi.queueAction(id, a);
    await mailroomApi.removeFromQueue(id);
    await mailroomApi.clearQueue({});
    await mailroomApi.clearQueue({ search: 'x', state: 'deferred' });
    await mailroomApi.sendNowMatching({ state: 'held' });
    await mailroomApi.bulkAction('hold', [id]);
    await mailroomApi.logging();
    await mailroomApi.setLogging({ categories: { smtp: true } as never });
    expect(backend.calls.every((c) => c.url.startsWith(`${PROXY_BASE}/api/v1/`))).toBe(true);
    expect(backend.calls.map((c) => [c.method, c.path, c.params ?? null])).toEqual([
      ['GET', '/api/v1/server', null],
      ['POST', '/api/v1/server/start', null],
      ['POST', '/api/v1/server/stop', null],
      ['GET', '/api/v1/status', null],
      ['GET', '/api/v1/warnings', null],
      ['POST', '/api/v1/warnings/recheck', null],
      ['GET', '/api/v1/queue', { offset: 50, limit: 25, sort: '-size', search: 'bob', state: 'held' }],
      ['GET', `/api/v1/queue/${id}`, null],
      ['GET', `/api/v1/queue-content/${id}/content`, { format: 'parsed' }],
      ['GET', `/api/v1/queue-content/${id}/content`, null],
      ['POST', `/api/v1/queue/${id}/send-now`, null],
      ['POST', `/api/v1/queue/${id}/hold`, null],
      ['POST', `/api/v1/queue/${id}/release`, null],
      ['POST', `/api/v1/queue/${id}/bounce`, null],
      ['DELETE', `/api/v1/queue/${id}`, null],
      ['DELETE', '/api/v1/queue', null],
      ['DELETE', '/api/v1/queue', { search: 'x', state: 'deferred' }],
      ['POST', '/api/v1/queue/send-now', { state: 'held' }],
      ['POST', '/api/v1/queue/bulk', null],
      ['GET', '/api/v1/logging', null],
      ['PUT', '/api/v1/logging', null],
    ]);
    expect(backend.calls[9]!.responseType).toBe('text');
    expect(backend.calls.at(-1)!.data).toEqual({ categories: { smtp: true } });
  });

  it('throws a classified MailroomError', async () => {
    backend.fail('GET', '/api/v1/server', 403, { message: 'plugin proxy route access denied' });
    await expect(mailroomApi.server()).rejects.toBeInstanceOf(MailroomError);
    await expect(mailroomApi.server()).rejects.toMatchObject({ kind: 'forbidden', source: 'grafana', status: 403 });
  });
});

describe('logStreamUrl', () => {
  it("is the proxy stream URL under Grafana's sub-path, with only the parameters given", () => {
    const before = config.appSubUrl;
    config.appSubUrl = '/grafana';
    try {
      expect(logStreamUrl({})).toBe(`/grafana${PROXY_BASE}/api/v1/log/stream`);
      expect(logStreamUrl({ category: 'smtp,delivery', session: 'a b' })).toBe(`/grafana${PROXY_BASE}/api/v1/log/stream?category=smtp%2Cdelivery&session=a+b`);
    } finally {
      config.appSubUrl = before;
    }
  });
});
