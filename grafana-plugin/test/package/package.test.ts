// @vitest-environment node
// The plugin as the catalogue receives it: a production build (the real webpack config, into a temporary
// folder) whose plugin.json points only at files that are in the build (logos, screenshots, dashboards),
// whose dashboards are the repository's own (one copy in git), and whose README and CHANGELOG link only
// to files in the build or to absolute URLs: a relative link that works in the repository
// (`../README.md`) is broken on the catalogue page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinks } from './markdownLinks';

const require = createRequire(import.meta.url);
const PLUGIN_DIR = fileURLToPath(new URL('../..', import.meta.url));
const DASHBOARDS = path.join(PLUGIN_DIR, '..', 'dashboards');

interface PluginJson {
  info: { logos: Record<string, string>; screenshots: Array<{ name: string; path: string }> };
  includes: Array<{ type: string; name: string; path?: string }>;
}

let dist: string;
let pluginJson: PluginJson;
const inDist = (p: string) => fs.existsSync(path.join(dist, p)) && fs.statSync(path.join(dist, p)).isFile();

beforeAll(async () => {
  dist = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-plugin-dist-'));
  const webpack = require('webpack') as typeof import('webpack');
  const makeConfig = require(path.join(PLUGIN_DIR, 'webpack.config.cjs')) as (env: object, argv: { mode: string }) => import('webpack').Configuration;
  const config = makeConfig({}, { mode: 'production' });
  config.output = { ...config.output, path: dist };
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) => webpack(config).run((err, s) => (err || !s ? reject(err) : resolve(s))));
  expect(stats.hasErrors(), stats.toString('errors-only')).toBe(false);
  pluginJson = JSON.parse(fs.readFileSync(path.join(dist, 'plugin.json'), 'utf8')) as PluginJson;
}, 120_000);

afterAll(() => {
  if (dist) fs.rmSync(dist, { recursive: true, force: true });
});

describe('the built plugin', () => {
  it("plugin.json's logos, screenshots and dashboard includes are files in the build", () => {
    const paths = [...Object.values(pluginJson.info.logos), ...pluginJson.info.screenshots.map((s) => s.path), ...pluginJson.includes.filter((i) => i.type === 'dashboard').map((i) => i.path!)];
    expect(pluginJson.info.screenshots.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !inDist(p))).toEqual([]);
  });

  it('the screenshots are 1280x800 PNGs, each page in the dark and the light theme', () => {
    for (const shot of pluginJson.info.screenshots) {
      const png = fs.readFileSync(path.join(dist, shot.path));
      expect(png.subarray(1, 4).toString(), shot.path).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], shot.path).toEqual([1280, 800]);
    }
    const names = pluginJson.info.screenshots.map((s) => path.basename(s.path, '.png'));
    for (const page of ['server', 'warnings', 'queue', 'live-log']) expect(names).toEqual(expect.arrayContaining([`${page}-dark`, `${page}-light`]));
  });

  it("ships every dashboard of the repository's dashboards/ folder, byte for byte, with one copy in git", () => {
    const repoDashboards = fs.readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'));
    const included = pluginJson.includes.filter((i) => i.type === 'dashboard').map((i) => i.path);
    expect(included.sort()).toEqual(repoDashboards.map((f) => `dashboards/${f}`).sort());
    for (const f of repoDashboards) expect(fs.readFileSync(path.join(dist, 'dashboards', f)).equals(fs.readFileSync(path.join(DASHBOARDS, f))), f).toBe(true);
    expect(fs.existsSync(path.join(PLUGIN_DIR, 'src', 'dashboards'))).toBe(false);
  });

  it('every link in the README and the CHANGELOG is absolute or a file in the build', () => {
    for (const doc of ['README.md', 'CHANGELOG.md']) {
      expect(inDist(doc), doc).toBe(true);
      const broken = checkLinks(fs.readFileSync(path.join(dist, doc), 'utf8'), inDist).filter((c) => c.problem);
      expect(broken, doc).toEqual([]);
    }
  });
});
