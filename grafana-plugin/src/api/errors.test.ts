import { describe, expect, it } from 'vitest';
import { classifyError, MailroomError, toMailroomError } from './errors';

describe('classifyError', () => {
  it('treats 502/504 without a Mailroom body, and network failures, as unreachable', () => {
    expect(classifyError(502, undefined, 'Bad Gateway')).toMatchObject({ kind: 'unreachable', source: 'network' });
    expect(classifyError(504, '')).toMatchObject({ kind: 'unreachable' });
    expect(classifyError(0, undefined)).toMatchObject({ kind: 'unreachable' });
    expect(classifyError(undefined, undefined).message).toContain('API URL');
  });

  it("reads Mailroom's error body: 401 is the token, 403 the token's role", () => {
    const e401 = classifyError(401, { error: { code: 'unauthorized', message: 'invalid token' } });
    expect(e401).toMatchObject({ kind: 'unauthorized', source: 'mailroom', code: 'unauthorized' });
    expect(e401.message).toContain('configuration page');
    const e403 = classifyError(403, { error: { code: 'forbidden', message: 'this action needs the operator role; the token has viewer' } });
    expect(e403).toMatchObject({ kind: 'forbidden', source: 'mailroom' });
    expect(e403.message).toContain('needs the operator role');
  });

  it("tells Grafana's own refusals apart: role too low for the route, no route, session ended", () => {
    const role = classifyError(403, { message: 'plugin proxy route access denied' });
    expect(role).toMatchObject({ kind: 'forbidden', source: 'grafana' });
    expect(role.message).toContain('Your Grafana role does not allow this');
    expect(classifyError(404, { message: 'plugin route match not found' })).toMatchObject({ kind: 'not_found', source: 'grafana' });
    expect(classifyError(401, { message: 'Unauthorized' })).toMatchObject({ kind: 'unauthorized', source: 'grafana' });
  });

  it("reads Grafana's 500 for an app with no settings as not configured", () => {
    expect(classifyError(500, { message: 'Failed to fetch plugin settings' })).toMatchObject({ kind: 'unconfigured', source: 'grafana' });
    expect(classifyError(500, { message: 'Failed to fetch plugin settings' }).message).toContain('configuration page');
    expect(classifyError(500, { message: 'something else' })).toMatchObject({ kind: 'failed' });
  });

  it('maps the rest', () => {
    expect(classifyError(404, { error: { code: 'not_found', message: 'queued message not found' } })).toMatchObject({ kind: 'not_found', source: 'mailroom' });
    expect(classifyError(422, { error: { code: 'invalid_parameters', message: 'state: bad' } })).toMatchObject({ kind: 'invalid' });
    expect(classifyError(503, { error: { code: 'unavailable', message: 'server stopped' } })).toMatchObject({ kind: 'unreachable', source: 'mailroom' });
    expect(classifyError(500, { error: { code: 'internal', message: 'internal error' } })).toMatchObject({ kind: 'failed' });
    expect(classifyError(500, 'oops', 'Internal Server Error')).toMatchObject({ kind: 'failed', source: 'grafana' });
  });
});

describe('toMailroomError', () => {
  it('converts a FetchError-like object, keeps a MailroomError, and wraps anything else as unreachable', () => {
    const e = toMailroomError({ status: 403, data: { message: 'plugin proxy route access denied' } });
    expect(e).toBeInstanceOf(MailroomError);
    expect(e).toMatchObject({ kind: 'forbidden', status: 403, source: 'grafana' });
    expect(toMailroomError(e)).toBe(e);
    expect(toMailroomError(new TypeError('Failed to fetch'))).toMatchObject({ kind: 'unreachable', status: 0 });
  });
});
