#!/usr/bin/env node
// Runs the compiled server (dist/, `npm run build`) when it is at least as new as every source file,
// and otherwise the TypeScript sources through tsx, so `npx mailroom` never runs a stale build.
// Production runs the build: no loader hooks, no source-map cost when an error is created (a client
// that resets its connection creates one, and with tsx's source maps that cost 6% of SMTP throughput).
import fs from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/.built', root);

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.mjs')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildIsFresh() {
  if (process.env.MAILROOM_FROM_SOURCE === '1') return false;
  try {
    return fs.statSync(stamp).mtimeMs >= newestSource(new URL('src', root).pathname);
  } catch {
    return false;
  }
}

if (buildIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
