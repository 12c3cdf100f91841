import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { applyReload, RELOADABLE } from './reload.ts';

const config = (env: Record<string, string>) => loadConfig({ env, warn: () => undefined });

describe('applyReload', () => {
  it('applies what the server reads at each use, reports the rest as needing a restart and leaves it as it runs', () => {
    const running = config({});
    const schedule = running['delivery.retry_schedule_seconds'];
    const next = config({ MAILROOM_SMTP_MAX_RECIPIENTS: '7', MAILROOM_DELIVERY_RETRY_SCHEDULE_SECONDS: '30,60', MAILROOM_SMTP_PORT: '2626', MAILROOM_LOKI_PASSWORD: 's3cret' });
    const result = applyReload(running, next);
    expect(result.applied).toEqual([
      { key: 'smtp.max_recipients', from: 100, to: 7 },
      { key: 'delivery.retry_schedule_seconds', from: schedule, to: [30, 60] },
    ]);
    expect(running['smtp.max_recipients']).toBe(7);
    expect(result.restartNeeded.map((c) => c.key)).toEqual(['smtp.port', 'loki.password']);
    expect(running['smtp.port']).toBe(2525);
    // A secret never shows, in either direction.
    expect(result.restartNeeded.find((c) => c.key === 'loki.password')).toEqual({ key: 'loki.password', from: '(hidden)', to: '(hidden)' });
  });

  it('an unchanged configuration changes nothing', () => {
    const running = config({});
    expect(applyReload(running, config({}))).toEqual({ applied: [], restartNeeded: [] });
  });

  it('lists only settings that exist', () => {
    const known = Object.keys(config({}));
    for (const key of RELOADABLE) expect(known).toContain(key);
  });
});
