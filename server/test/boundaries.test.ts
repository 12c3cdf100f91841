// The architecture rules hold: every import in server/src, and in the Grafana app's grafana-plugin/src,
// keeps its folder's README rule, there is no import loop between files or top-level folders, and every
// folder has a README. The check itself is shown to fail on a copy of the tree with a throwaway import of
// each kind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allows, checkBoundaries, parseRule } from './boundaries/check-boundaries.ts';

const SRC = path.resolve(import.meta.dirname, '../src');
const PLUGIN_SRC = path.resolve(import.meta.dirname, '../../grafana-plugin/src');
const copies: string[] = [];

/** A copy of server/src (or another source root) to break on purpose. */
function copyOfSource(src = SRC): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mailroom-boundaries-'));
  copies.push(dir);
  fs.cpSync(src, dir, { recursive: true });
  return dir;
}

function addImport(root: string, file: string, spec: string): void {
  const full = path.join(root, file);
  fs.writeFileSync(full, `import '${spec}';\n${fs.readFileSync(full, 'utf8')}`);
}

afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

describe('import boundaries', () => {
  it('server/src keeps every folder rule, with no loops and a README in every folder', async () => {
    const violations = await checkBoundaries(SRC);
    expect(violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
  });

  it('reads the rules as the READMEs state them', () => {
    const rule = parseRule('fetch/', 'Text.\nMay import: `config/`, `delivery/` (the intake), `net/socket-reader.ts`,\n`util/`, never `store/sqlite/`.\n\nNext paragraph `admin/`.')!;
    expect(rule.allowed).toEqual(['config/', 'delivery/', 'net/socket-reader.ts', 'util/']);
    expect(rule.never).toEqual(['store/sqlite/']);
    expect(allows(rule, 'fetch/limits.ts')).toBe(true);
    expect(allows(rule, 'delivery/intake.ts')).toBe(true);
    expect(allows(rule, 'net/socket-reader.ts')).toBe(true);
    expect(allows(rule, 'net/tcp-listener.ts')).toBe(false);
    expect(allows(rule, 'admin/app.ts')).toBe(false);
    const service = parseRule('service/', 'May import: everything under `src/` except `cli/`.')!;
    expect(allows(service, 'smtp/listener.ts')).toBe(true);
    expect(allows(service, 'cli/main.ts')).toBe(false);
    expect(parseRule('x/', 'No rule here.')).toBeNull();
  });

  it('fails on an import a folder may not make (a protocol reaching into another)', async () => {
    const root = copyOfSource();
    addImport(root, 'pop3/parser.ts', '../imap/limits.ts');
    const violations = await checkBoundaries(root);
    expect(violations).toContainEqual({ kind: 'forbidden', message: 'pop3/parser.ts imports imap/limits.ts: pop3/README.md does not allow it' });
  });

  it('fails on an import loop between files, even where both folders allow it', async () => {
    const root = copyOfSource();
    addImport(root, 'net/admission.ts', './protocol-listener.ts');
    const violations = await checkBoundaries(root);
    expect(violations.filter((v) => v.kind === 'file-loop').map((v) => v.message)).toEqual(['import loop: net/admission.ts -> net/protocol-listener.ts -> net/admission.ts']);
  });

  it('fails on a loop between folders and on a folder without a README', async () => {
    const root = copyOfSource();
    addImport(root, 'util/ids.ts', '../telemetry/log.ts');
    fs.rmSync(path.join(root, 'imap/mime/README.md'));
    const kinds = (await checkBoundaries(root)).map((v) => v.kind);
    expect(kinds).toContain('forbidden');
    expect(kinds).toContain('folder-loop');
    expect(kinds).toContain('missing-readme');
  });
});

// The same check on the plugin (dependency-cruiser resolves its .tsx files and plugin.json).
describe('import boundaries of the Grafana app', () => {
  it('grafana-plugin/src keeps every folder rule, with no loops and a README in every folder', async () => {
    const violations = await checkBoundaries(PLUGIN_SRC);
    expect(violations.map((v) => `${v.kind}: ${v.message}`)).toEqual([]);
  });

  it('fails on a component importing a page, and on a root file importing back into what imports it', async () => {
    const root = copyOfSource(PLUGIN_SRC);
    addImport(root, 'components/ErrorState/ErrorState.tsx', '../../pages/Warnings');
    addImport(root, 'constants.ts', './pages/Server');
    const messages = (await checkBoundaries(root)).map((v) => `${v.kind}: ${v.message}`);
    expect(messages).toContain('forbidden: components/ErrorState/ErrorState.tsx imports pages/Warnings.tsx: components/README.md does not allow it');
    expect(messages).toContain('folder-loop: folder loop: constants.ts -> pages/ -> constants.ts');
  });
});
