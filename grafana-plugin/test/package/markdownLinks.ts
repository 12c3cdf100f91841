// The link targets of a Markdown file as a catalogue page renders it: inline links and images
// `[text](target "title")`, reference definitions `[name]: target`, and `src`/`href` of inline HTML.
// Code (fenced blocks and `spans`) is skipped: a path shown as code is not a link.

export interface LinkCheck {
  target: string;
  /** Why it is broken, or null when it is fine. */
  problem: string | null;
}

export function linkTargets(markdown: string): string[] {
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  for (const m of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(m[1]!);
  for (const m of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) targets.push(m[1]!);
  for (const m of text.matchAll(/<(?:a|img)\b[^>]*?\s(?:href|src)="([^"]+)"/gi)) targets.push(m[1]!);
  return targets;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add(
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  }
  return anchors;
}

/** An absolute URL (https:, mailto:, ...) is fine; anything else must name a file under `root`, and an anchor a heading. */
export function checkLinks(markdown: string, exists: (relativePath: string) => boolean): LinkCheck[] {
  const anchors = headingAnchors(markdown);
  return linkTargets(markdown).map((target) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return { target, problem: null };
    if (target.startsWith('#')) return { target, problem: anchors.has(target.slice(1)) ? null : 'no heading with this anchor' };
    if (target.startsWith('/')) return { target, problem: 'a root-relative path points outside the plugin' };
    const file = decodeURIComponent(target.replace(/[#?].*$/, ''));
    if (file.split('/').includes('..')) return { target, problem: 'leaves the plugin folder' };
    return { target, problem: exists(file) ? null : 'no such file in the build' };
  });
}
