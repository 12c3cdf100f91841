// System components a test needs (swaks, postfix's smtp-sink, clamd...). Locally a missing one skips
// the test with the reason printed; in CI (CI=true) a missing one fails, since .ci/run installs them.
import { execFileSync } from 'node:child_process';

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns true when the tool is there; otherwise prints why the test is skipped, or throws in CI. */
export function requireCommand(name: string, why: string): boolean {
  if (hasCommand(name)) return true;
  const message = `${name} is not installed (${why}); .ci/run installs it`;
  if (process.env.CI === 'true') throw new Error(`CI: ${message}`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}
