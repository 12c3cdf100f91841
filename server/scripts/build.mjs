// `npm run build`: compiles src/ to dist/ with tsc, copies the plain JavaScript files tsc does not
// emit, and writes dist/.built, which bin/mailroom.js compares with the sources' mtimes. With
// --if-stale (what `npm start` uses) a build that is already fresh is kept: a second start is quick, and
// a start never deletes dist/ under a server that another process is running from it.
// The build is written aside (dist.next-<pid>) and swapped in with two renames, so dist/ is never missing
// or half-written while `npx mailroom` in another terminal loads it (it was deleted for ~20 s before).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIsFresh } from './build-freshness.mjs';

const root = path.resolve(import.meta.dirname, '..');
if (process.argv.includes('--if-stale') && buildIsFresh()) process.exit(0);
const dist = path.join(root, 'dist');
const next = path.join(root, `dist.next-${process.pid}`);
const old = path.join(root, `dist.old-${process.pid}`);
const started = Date.now();
fs.rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [path.join(root, '../node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', next], { stdio: 'inherit' });
  for (const file of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
    if (!String(file).endsWith('.mjs')) continue;
    fs.copyFileSync(path.join(root, 'src', String(file)), path.join(next, String(file)));
  }
  // Stamped with the time the build started: a source saved during the build makes it stale.
  fs.writeFileSync(path.join(next, '.built'), '');
  fs.utimesSync(path.join(next, '.built'), new Date(started), new Date(started));
} catch (err) {
  fs.rmSync(next, { recursive: true, force: true });
  throw err;
}
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(next, dist);
fs.rmSync(old, { recursive: true, force: true });
