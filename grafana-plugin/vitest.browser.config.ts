// The real-browser test: Node environment (it drives Debian's Chromium through playwright-core), a real
// Mailroom, the harness standing in for Grafana. Needs dist/ and test/harness/dist/ built first; see the
// `test:browser` script.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  test: {
    root: here('.'),
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    env: { MAILROOM_BROWSER_TEST: '1' },
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
