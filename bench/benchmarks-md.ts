// BENCHMARKS.md, one section per benchmark: each run replaces its own section and leaves the others.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS_MD = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

/**
 * Replaces the section whose heading line is exactly `title` (up to the next `## ` heading) with
 * `section`, or appends it; every other section stays as it is.
 */
export function mergeSection(existing: string | null, title: string, section: string): string {
  const body = section.trimEnd() + '\n';
  if (existing === null || existing.trim() === '') {
    return `# Benchmarks\n\nSpeed is measured, not assumed. Every figure here comes from a script in \`bench/\`; each section names the command that reproduces it.\n\n${body}`;
  }
  const lines = existing.split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === title);
  if (start < 0) return `${existing.trimEnd()}\n\n${body}`;
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join('\n');
  const after = lines.slice(end).join('\n');
  return `${before}${before ? '\n' : ''}${body}${after ? `\n${after}` : ''}`;
}

/** Puts a section into BENCHMARKS.md, replacing the one with the same title. */
export function writeSection(title: string, section: string, log: (line: string) => void, file = BENCHMARKS_MD): void {
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  fs.writeFileSync(file, mergeSection(existing, title, section));
  log(`wrote the "${title.replace(/^#+ /, '')}" section of ${file}`);
}
