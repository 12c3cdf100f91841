// Whether server/dist is at least as new as every source file: dist/.built is stamped with the time its
// build started. Shared by bin/mailroom.js (run the build or the sources) and build.mjs --if-stale.
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

export function buildIsFresh() {
  try {
    return fs.statSync(stamp).mtimeMs >= newestSource(new URL('src', root).pathname);
  } catch {
    return false;
  }
}
