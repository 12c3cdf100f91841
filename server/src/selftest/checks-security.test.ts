import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.ts';
import { adminTokenWarnings } from './checks-security.ts';

const STRONG = 'c2f0a9d81b7e4365a0f3e9d27c4b18aa';
const config = (env: Record<string, string>) => loadConfig({ env, warn: () => {} });
const ids = (env: Record<string, string>, issued = 0) => adminTokenWarnings(config(env), issued).map((w) => w.id);

describe('admin token warnings', () => {
  it('counts role tokens in admin.tokens as configured: the setup the Grafana app recommends raises nothing', () => {
    expect(ids({ MAILROOM_ADMIN_TOKENS: `grafana-viewer:viewer:${STRONG}` })).toEqual([]);
    expect(ids({ MAILROOM_ADMIN_TOKENS: `grafana-viewer:viewer:${STRONG},grafana-operator:operator:${STRONG}x` })).toEqual([]);
  });

  it('counts admin.token and issued tokens as configured too', () => {
    expect(ids({ MAILROOM_ADMIN_TOKEN: STRONG })).toEqual([]);
    expect(ids({}, 1)).toEqual([]);
  });

  it('warns when no token of any kind exists', () => {
    expect(ids({})).toEqual(['admin_token_missing']);
  });
});
