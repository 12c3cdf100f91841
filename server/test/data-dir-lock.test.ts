// One `mailroom serve` per data directory (issue 19): a second one on the same directory is refused with
// a message naming the process that holds it, while the CLI keeps working beside the server; a lock left
// by a SIGKILLed server does not stop the next start; a clean stop removes it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, MailroomProcess } from './helpers/mailroom.ts';

let mr: MailroomProcess;

beforeAll(async () => {
  mr = await MailroomProcess.create();
  await mr.start();
});
afterAll(async () => {
  await mr?.stop();
  mr?.cleanup();
});

function secondServe(): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...process.env, ...mr.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const lockFile = () => path.join(mr.dataDir, 'mailroom.lock');

describe('one serve per data directory', () => {
  it('refuses a second serve on the same directory, naming the running process; the CLI still works', async () => {
    const owner = JSON.parse(fs.readFileSync(lockFile(), 'utf8')) as { pid: number };
    expect(owner.pid).toBe(mr.child!.pid);
    const second = await secondServe();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`mailroom: the data directory ${mr.dataDir} is in use by mailroom process ${mr.child!.pid}`);
    expect(second.stderr).not.toContain('    at '); // one line, no stack trace
    expect(await mr.cli('domain', 'add', 'lock.test')).toBeDefined();
    expect((await mr.admin('/healthz')).status).toBe(200);
  });

  it('takes over the lock of a SIGKILLed server, and removes it on a clean stop', async () => {
    const killedPid = mr.child!.pid;
    await mr.kill();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(killedPid);
    await mr.start();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(mr.child!.pid);
    await mr.stop();
    expect(fs.existsSync(lockFile())).toBe(false);
    await mr.start();
  });

  it('treats an unreadable lock file (a crash while writing it) as stale', async () => {
    await mr.stop();
    fs.writeFileSync(lockFile(), '{"pid": 12');
    await mr.start();
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).pid).toBe(mr.child!.pid);
  });
});
