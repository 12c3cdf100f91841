// Runs a Python 3 snippet (smtplib, poplib, imaplib: real clients) and returns its stdout.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function python(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run('python3', ['-c', script], { env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}
