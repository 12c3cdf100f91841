// The architecture check: every folder's README says what the folder may import, and this reads those
// sentences and the real import graph (dependency-cruiser, type-only imports included) and lists every
// import that breaks them, every import loop between files, and every loop between top-level folders.
// `npm test` runs it through boundaries.test.ts; `npm run check:boundaries` prints the list.
//
// The rule a README states: a line starting "May import:" followed by paths in backquotes, relative to
// the source root (`config/`, `delivery/accept.ts`). "everything under `src/`" allows all, and
// "except `cli/`" then takes folders out again. A folder may always import its own files and
// subfolders. A folder whose README has no rule follows the nearest parent README that has one.
import fs from 'node:fs';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

export interface FolderRule {
  /** The folder the README is in, relative to the source root, with a trailing slash ('' for the root). */
  folder: string;
  /** Allowed targets: folders (trailing slash) or files, relative to the source root. */
  allowed: string[];
  /** Never allowed, even inside an allowed folder ("never `store/sqlite/`"). */
  never: string[];
  /** Everything is allowed except these. */
  everythingExcept: string[] | null;
}

export interface Violation {
  kind: 'forbidden' | 'file-loop' | 'folder-loop' | 'no-rule' | 'missing-readme';
  message: string;
}

const RULE_LINE = /May import:/;

/** The rule in one README's text, or null when it states none. */
export function parseRule(folder: string, readme: string): FolderRule | null {
  const match = RULE_LINE.exec(readme);
  if (!match) return null;
  // The rule runs to the end of its paragraph.
  const rest = readme.slice(match.index);
  const paragraph = rest.split(/\n\s*\n/, 1)[0]!;
  const tokens = [...paragraph.matchAll(/(never\s+)?`([^`]+)`/g)].map((m) => ({ path: m[2]!.replace(/^src\//, ''), never: m[1] !== undefined }));
  const never = tokens.filter((t) => t.never).map((t) => t.path);
  if (/everything under `src\/`/.test(paragraph)) {
    const except = /except (.*)$/s.exec(paragraph);
    const excluded = except ? [...except[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) : [];
    return { folder, allowed: [], never, everythingExcept: excluded };
  }
  return { folder, allowed: tokens.filter((t) => !t.never && t.path !== '').map((t) => t.path), never, everythingExcept: null };
}

/** Every README's rule below the source root, keyed by folder. */
export function readRules(srcRoot: string): Map<string, FolderRule | null> {
  const rules = new Map<string, FolderRule | null>();
  const walk = (dir: string) => {
    const rel = path.relative(srcRoot, dir);
    const folder = rel === '' ? '' : `${rel.split(path.sep).join('/')}/`;
    const readme = path.join(dir, 'README.md');
    rules.set(folder, fs.existsSync(readme) ? parseRule(folder, fs.readFileSync(readme, 'utf8')) : null);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) walk(path.join(dir, entry.name));
  };
  walk(srcRoot);
  return rules;
}

/** The rule that governs a folder: its own, else the nearest parent's. */
function ruleFor(folder: string, rules: Map<string, FolderRule | null>): FolderRule | null {
  for (let f = folder; ; f = parentFolder(f)) {
    const rule = rules.get(f);
    if (rule) return rule;
    if (f === '') return null;
  }
}

function parentFolder(folder: string): string {
  const trimmed = folder.replace(/\/$/, '');
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? '' : trimmed.slice(0, slash + 1);
}

function covers(entry: string, target: string): boolean {
  return entry.endsWith('/') ? target.startsWith(entry) : target === entry;
}

export function allows(rule: FolderRule, target: string): boolean {
  if (target.startsWith(rule.folder)) return true;
  if (rule.never.some((e) => covers(e, target))) return false;
  if (rule.everythingExcept) return !rule.everythingExcept.some((e) => covers(e, target));
  return rule.allowed.some((e) => covers(e, target));
}

/**
 * A file's node in the folder graph: its top-level folder (`smtp/`), or, for a file at the source root, the
 * file itself. A Grafana plugin's root holds its entry (`module.tsx`, which imports the pages) beside leaf
 * files every folder imports (`constants.ts`, `testIds.ts`): as one node "the root" they would make every
 * folder loop through it though no file does. A root file that imports back into what imports it is still
 * a loop (`constants.ts -> pages/ -> constants.ts`).
 */
const topUnit = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/') + 1) : file);

/** Loops in a directed graph (each reported once, by its members in order). */
function loops(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const members = stack.slice(stack.indexOf(next));
        // Reported from its first member in name order, so the same loop always reads the same.
        const start = members.indexOf([...members].sort()[0]!);
        const cycle = [...members.slice(start), ...members.slice(0, start)];
        const key = [...cycle].sort().join(' ');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycle);
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** Every broken rule, loop and missing README under srcRoot (tests excluded: they may reach anywhere). */
export async function checkBoundaries(srcRoot: string): Promise<Violation[]> {
  const root = path.resolve(srcRoot);
  const rules = readRules(root);
  const violations: Violation[] = [];
  for (const folder of rules.keys()) {
    if (!fs.existsSync(path.join(root, folder, 'README.md')))
      violations.push({ kind: 'missing-readme', message: `${folder || '(source root)'}: no README.md saying what lives here and what it may import` });
    else if (folder !== '' && !ruleFor(folder, rules)) violations.push({ kind: 'no-rule', message: `${folder}README.md: no "May import:" rule (here or in a parent folder)` });
  }
  const result = await cruise([root], {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts|/fixtures/)' },
  });
  const modules = (result.output as ICruiseResult).modules;
  const rel = (file: string) => path.relative(root, path.resolve(file)).split(path.sep).join('/');
  const fileGraph = new Map<string, Set<string>>();
  const folderGraph = new Map<string, Set<string>>();
  for (const module of modules) {
    const from = rel(module.source);
    if (from.startsWith('..')) continue;
    const edges = new Set<string>();
    fileGraph.set(from, edges);
    const rule = ruleFor(from.includes('/') ? from.slice(0, from.lastIndexOf('/') + 1) : '', rules);
    for (const dep of module.dependencies) {
      if (dep.coreModule || dep.couldNotResolve) continue;
      const to = rel(dep.resolved);
      if (to.startsWith('..')) continue; // a package, not ours
      edges.add(to);
      if (rule && !allows(rule, to)) violations.push({ kind: 'forbidden', message: `${from} imports ${to}: ${rule.folder || '(root)'}README.md does not allow it` });
      const [a, b] = [topUnit(from), topUnit(to)];
      if (a !== b) {
        if (!folderGraph.has(a)) folderGraph.set(a, new Set());
        folderGraph.get(a)!.add(b);
      }
    }
  }
  for (const cycle of loops(fileGraph)) violations.push({ kind: 'file-loop', message: `import loop: ${[...cycle, cycle[0]].join(' -> ')}` });
  for (const cycle of loops(folderGraph)) violations.push({ kind: 'folder-loop', message: `folder loop: ${[...cycle, cycle[0]].join(' -> ')}` });
  return violations;
}

// `npm run check:boundaries [srcRoot]`: prints the violations, exits 1 when there are any.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'server/src';
  const violations = await checkBoundaries(root);
  for (const v of violations) console.log(`${v.kind}: ${v.message}`);
  console.log(violations.length === 0 ? `${root}: every import keeps its folder's rule; no loops` : `${violations.length} problem(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
