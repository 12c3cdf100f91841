// Every benchmark measures the server as it runs in production: compiled (server/dist), not through tsx.
// server/bin/mailroom.js runs the build only when it is fresh, so build before the first server starts.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD = fileURLToPath(new URL('../server/scripts/build.mjs', import.meta.url));

export function buildServer(): void {
  execFileSync(process.execPath, [BUILD], { stdio: 'inherit' });
}
