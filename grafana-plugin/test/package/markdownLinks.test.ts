// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { checkLinks, headingAnchors, linkTargets } from './markdownLinks';

describe('linkTargets', () => {
  it('finds inline links, images, reference definitions and HTML src/href, not code', () => {
    const md = [
      'See [the changelog](CHANGELOG.md) and ![shot](img/a.png "A shot").',
      '[ref]: https://grafana.com/docs',
      '<img src="img/b.png" alt="b"> <a href="#pages">pages</a>',
      'Code: `[not](a-link.md)`',
      '```',
      '[also not](inside-a-fence.md)',
      '```',
    ].join('\n');
    expect(linkTargets(md)).toEqual(['CHANGELOG.md', 'img/a.png', 'https://grafana.com/docs', 'img/b.png', '#pages']);
  });
});

describe('checkLinks', () => {
  const files = new Set(['CHANGELOG.md', 'img/a.png']);
  const exists = (f: string) => files.has(f);

  it('accepts absolute URLs, files in the build and anchors of headings', () => {
    const md = '## Building and testing\n[a](https://x.test) [b](CHANGELOG.md#unreleased) [c](img/a.png) [d](#building-and-testing) [e](mailto:x@y.test)';
    expect(checkLinks(md, exists).filter((c) => c.problem)).toEqual([]);
  });

  it('flags a missing file, a path out of the plugin, a root path and an unknown anchor', () => {
    const md = '[a](img/missing.png) [b](../README.md) [c](/docs/x.md) [d](#nowhere)';
    expect(checkLinks(md, exists).map((c) => c.problem)).toEqual([
      'no such file in the build',
      'leaves the plugin folder',
      'a root-relative path points outside the plugin',
      'no heading with this anchor',
    ]);
  });
});

describe('headingAnchors', () => {
  it("makes GitHub's anchors", () => {
    expect(headingAnchors('# Mailroom app for Grafana\n## Pages & roles\n')).toEqual(new Set(['mailroom-app-for-grafana', 'pages--roles']));
  });
});
