#!/usr/bin/env node
// Runs the compiled server (dist/, `npm run build`) when it is at least as new as every source file,
// and otherwise the TypeScript sources through tsx, so `npx mailroom` never runs a stale build.
// Production runs the build: no loader hooks, no source-map cost when an error is created (a client
// that resets its connection creates one, and with tsx's source maps that cost 6% of SMTP throughput).
import { buildIsFresh } from '../scripts/build-freshness.mjs';

const fresh = process.env.MAILROOM_FROM_SOURCE !== '1' && buildIsFresh();

if (fresh) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
