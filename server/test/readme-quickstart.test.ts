// The README's quick start, run as a newcomer would: `npm start` in the repository, then the commands of
// its second code block exactly as written (add a domain and an account with `npx mailroom`, send with
// swaks, read the message back with curl over IMAP). `npm ci` is what CI runs right before `npm test`,
// so a fresh install is covered there. One deviation, so the test leaves no ./data behind:
// MAILROOM_DATA_DIR points at a temporary directory (README documents the variable).
// The quick start uses the default ports (2525, 2587, 2110, 2143, 9425): nothing else may hold them.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForPort } from './helpers/ports.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const codeBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim().split('\n'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-readme-'));
let server: ChildProcess | null = null;
let output = '';

afterAll(async () => {
  if (server?.pid) {
    process.kill(-server.pid, 'SIGTERM');
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const haveTools = requireCommand('swaks', 'the README quick start sends with it') && requireCommand('curl', 'the README quick start reads with it');

describe.runIf(haveTools)('README quick start', () => {
  it('opens with the two commands, and `npm start` then the documented commands deliver and read a message', async () => {
    const [install, afterStart, adminToken] = codeBlocks;
    expect(install!.map((line) => line.replace(/\s+#.*$/, ''))).toEqual(['npm ci && npm start', 'npm test']);
    const env = { ...process.env, MAILROOM_DATA_DIR: dataDir };
    // Its own process group, so the server that npm starts stops with it.
    server = spawn('npm', ['start'], { cwd: REPO, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await Promise.all([2525, 2587, 2110, 2143, 9425].map((port) => waitForPort(port, 60_000))).catch((err: Error) => {
      throw new Error(`${err.message}\n${output.slice(-3000)}`);
    });
    let last = '';
    for (const line of afterStart!) {
      const { stdout } = await run('bash', ['-c', line], { cwd: REPO, env, timeout: 60_000 });
      last = stdout;
    }
    // swaks's default message, read back through IMAP by curl.
    expect(last).toContain('This is a test mailing');
    expect(afterStart![afterStart!.length - 1]).toMatch(/^curl /);
    const health = await fetch('http://127.0.0.1:9425/healthz');
    expect(health.status).toBe(200);
    // The admin API recipe: one shell, so the token made by the first line reaches the second.
    expect(adminToken![0]).toMatch(/^TOKEN=\$\(npx mailroom token create /);
    const status = await run('bash', ['-c', adminToken!.join('\n')], { cwd: REPO, env, timeout: 60_000 });
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, sessions: expect.anything() });
  }, 180_000);
});
