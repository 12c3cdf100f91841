// `mailroom token create|list|revoke` against a running server (issue 19, "the first hour"): a token made
// while the server runs is accepted at once with its role, is stored only as a digest, and is refused
// once revoked; bad input gets one clear line.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MailroomProcess } from './helpers/mailroom.ts';

const run = promisify(execFile);

let mr: MailroomProcess;

beforeAll(async () => {
  // No configured token at all: only issued ones. A short delay keeps the wrong-token answers quick.
  mr = await MailroomProcess.create({ env: { MAILROOM_AUTH_FAILURE_DELAY_MS: '10' } });
  await mr.start();
});
afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

async function tokenCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, 'token', ...args], { env: { ...process.env, ...mr.env } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

const status = (token: string, pathname = '/api/v1/status', method = 'GET') => mr.admin(pathname, { method, headers: { Authorization: `Bearer ${token}` } });

describe('mailroom token', () => {
  it('makes tokens a running server accepts at once, with their role, and refuses once revoked', async () => {
    const made = await tokenCli('create', '--role', 'viewer', '--name', 'grafana');
    expect(made.code).toBe(0);
    const token = made.stdout.trim();
    expect(token).toMatch(/^mrt_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('created viewer token "grafana"');

    // Only the digest is on disk, in a file only the owner reads.
    const file = path.join(mr.dataDir, 'admin-tokens.json');
    expect(fs.readFileSync(file, 'utf8')).not.toContain(token.slice(4));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    expect((await status(token)).status).toBe(200);
    // A viewer may read, not act.
    expect((await status(token, '/api/v1/server/stop', 'POST')).status).toBe(403);

    const list = await tokenCli('list');
    expect(list.stdout).toMatch(/^grafana\tviewer\tcreated \d{4}-/m);
    expect(list.stdout).not.toContain(token);

    expect((await tokenCli('revoke', 'grafana')).stdout).toContain('revoked token grafana');
    expect((await status(token)).status).toBe(401);
  });

  it('refuses bad input with one line and exit status 1', async () => {
    const role = await tokenCli('create', '--role', 'root', '--name', 'x');
    expect(role.code).toBe(1);
    expect(role.stderr.trim()).toBe('mailroom: --role: expected one of viewer, operator, admin, got "root"');
    await tokenCli('create', '--role', 'admin', '--name', 'alice');
    const twice = await tokenCli('create', '--role', 'admin', '--name', 'alice');
    expect(twice.stderr).toContain('a token named alice exists');
    const missing = await tokenCli('revoke', 'nobody');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no issued token named nobody');
  });
});
