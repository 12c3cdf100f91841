// The README's quick start, run as a newcomer would: `npm start` in the repository, then the commands of
// its second code block exactly as written (add a domain and an account with `npx mailroom`, send with
// swaks, read the message back with curl over IMAP). `npm ci` is what CI runs right before `npm test`,
// so a fresh install is covered there. One deviation, so the test leaves no ./data behind:
// MAILROOM_DATA_DIR points at a temporary directory (README documents the variable).
// The quick start uses the default ports (2525, 2587, 2110, 2143, 9425): nothing else may hold them.
// Then the "Several nodes" section the same way (after the quick start's server stopped: node a takes the
// default ports): its database name and data directories moved to throwaway ones, nothing else changed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { waitForPort } from './helpers/ports.ts';
import { createTestDatabase, postgresAvailable } from './helpers/postgres.ts';
import { requireCommand } from './helpers/tools.ts';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../..');
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
const codeBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim().split('\n'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-readme-'));
let server: ChildProcess | null = null;
let output = '';
const nodes: ChildProcess[] = [];

async function stopGroup(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

afterAll(async () => {
  await stopGroup(server);
  for (const node of nodes) await stopGroup(node);
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

  it.runIf(postgresAvailable())(
    'the "Several nodes" commands run three nodes on one database: mail in through b is read on c',
    async () => {
      await stopGroup(server);
      const section = README.slice(README.indexOf('## Several nodes'), README.indexOf('## Documentation'));
      const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!.trim().split('\n');
      const db = await createTestDatabase('readme_nodes');
      try {
        // The README's database name and ./data-X directories, moved out of the way.
        const local = (line: string) =>
          line
            .replaceAll(':5432/mailroom', `:5432/${db.name}`)
            .replace(/(createdb .* )mailroom$/, `$1${db.name}`)
            .replaceAll('./data-', `${dataDir}/data-`);
        const env = { ...process.env };
        for (const line of block.map(local)) {
          const exported = /^export (\w+)='([^']*)'$/.exec(line);
          if (exported) {
            env[exported[1]!] = exported[2]!;
            continue;
          }
          if (line.startsWith('createdb')) continue; // createTestDatabase made it (a fresh one for this run)
          if (line.endsWith('&')) {
            const node = spawn('bash', ['-c', line.slice(0, -1)], { cwd: REPO, env, detached: true, stdio: 'ignore' });
            nodes.push(node);
            const admin = Number(/MAILROOM_ADMIN_PORT=(\d+)/.exec(line)?.[1] ?? 9425);
            const smtp = Number(/MAILROOM_SMTP_PORT=(\d+)/.exec(line)?.[1] ?? 2525);
            await Promise.all([waitForPort(admin, 60_000), waitForPort(smtp, 60_000)]);
            continue;
          }
          const { stdout } = await run('bash', ['-c', line.replace(/\s+#.*$/, '')], { cwd: REPO, env, timeout: 60_000 });
          output = stdout;
        }
        expect(nodes).toHaveLength(3);
        expect(block.at(-1)).toMatch(/^curl .*2145/);
        expect(output).toContain('This is a test mailing');
      } finally {
        for (const node of nodes) await stopGroup(node);
        await db.drop();
      }
    },
    180_000,
  );
});
