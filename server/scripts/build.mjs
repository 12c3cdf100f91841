// `npm run build`: compiles src/ to dist/ with tsc, copies the plain JavaScript files tsc does not
// emit, and writes dist/.built, which bin/mailroom.js compares with the sources' mtimes. With
// --if-stale (what `npm start` uses) a build that is already fresh is kept: a second start is quick, and
// a start never deletes dist/ under a server that another process is running from it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIsFresh } from './build-freshness.mjs';

const root = path.resolve(import.meta.dirname, '..');
if (process.argv.includes('--if-stale') && buildIsFresh()) process.exit(0);
const dist = path.join(root, 'dist');
const started = Date.now();
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, '../node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of fs.readdirSync(path.join(root, 'src'), { recursive: true })) {
  if (!String(file).endsWith('.mjs')) continue;
  fs.copyFileSync(path.join(root, 'src', String(file)), path.join(dist, String(file)));
}
// Stamped with the time the build started: a source saved during the build makes it stale.
fs.writeFileSync(path.join(dist, '.built'), '');
fs.utimesSync(path.join(dist, '.built'), new Date(started), new Date(started));
