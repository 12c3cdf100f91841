// `npm run build` while something runs from dist/ (issue 19, "the first hour"): the build is written aside
// and swapped in, so dist/ and its entry point exist at every moment of a rebuild (before, dist/ was
// deleted for the whole compile and `npx mailroom` in a second terminal failed with ERR_MODULE_NOT_FOUND).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER = path.resolve(import.meta.dirname, '..');
const ENTRY = path.join(SERVER, 'dist', 'cli', 'main.js');

describe('server build', () => {
  it('never leaves dist/ missing while it rebuilds, and stamps the new build', async () => {
    const build = spawn(process.execPath, [path.join(SERVER, 'scripts', 'build.mjs')], { cwd: SERVER, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    build.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<number | null>((resolve) => build.on('exit', resolve));
    let checks = 0;
    let missing = 0;
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      checks++;
      if (!fs.existsSync(ENTRY)) missing++;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await done, stderr).toBe(0);
    expect(checks).toBeGreaterThan(50);
    expect(missing).toBe(0);
    expect(fs.existsSync(path.join(SERVER, 'dist', '.built'))).toBe(true);
    expect(fs.readdirSync(SERVER).filter((f) => f.startsWith('dist.'))).toEqual([]);
  }, 180_000);

  it('keeps a fresh build on `--if-stale` (what `npm start` runs), so a second start does not compile', () => {
    const stamp = path.join(SERVER, 'dist', '.built');
    const before = fs.statSync(stamp).mtimeMs;
    const out = spawnSync(process.execPath, [path.join(SERVER, 'scripts', 'build.mjs'), '--if-stale'], { cwd: SERVER, encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(fs.statSync(stamp).mtimeMs).toBe(before);
    expect(fs.readdirSync(SERVER).filter((f) => f.startsWith('dist.'))).toEqual([]);
  });
});
