import { describe, expect, it } from 'vitest';
import { configureLogging, logger, withoutNestedSecrets } from './log.ts';
import { CategorySwitches } from './log-categories.ts';

describe('secrets in log lines', () => {
  it('are censored at the top level and one level down, whatever the caller passes', async () => {
    const lines: string[] = [];
    await configureLogging({ level: 'info', switches: new CategorySwitches(['application']), streams: [{ write: (l) => void lines.push(l) }] });
    const fields = { user: 'alice', password: 'hunter2', auth: { token: 's3cret', scheme: 'Bearer' }, authorization: 'Basic eHh4' };
    logger('application').info(fields, 'login');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/hunter2|s3cret|eHh4/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ user: 'alice', password: '[Redacted]', auth: { token: '[Redacted]', scheme: 'Bearer' }, authorization: '[Redacted]' });
    expect(fields.auth.token).toBe('s3cret'); // the caller's object is left alone
  });

  it('copies nothing when there is nothing to censor', () => {
    const fields = { session: 'abc', bytes: 10, nested: { fine: true }, err: new Error('x') };
    expect(withoutNestedSecrets(fields)).toBe(fields);
  });
});

describe('stdout at exit', () => {
  it('writes the lines still gathered when the process exits at once', async () => {
    const { execFileSync } = await import('node:child_process');
    const logModule = new URL('./log.ts', import.meta.url).href;
    const script = `const { logger } = await import(${JSON.stringify(logModule)}); logger('application').info({ n: 1 }, 'last words'); process.exit(0);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, MAILROOM_LOG_FORMAT: 'json' }, encoding: 'utf8' });
    expect(out).toContain('"msg":"last words"');
  });
});
