// Tokens made with `mailroom token create`: kept as SHA-256 digests in data_dir/admin-tokens.json (mode
// 0600, written aside then renamed), so the token itself exists only in the output of the command that
// made it. The running server re-reads the file when it changes (checked on each request: the admin API
// is not a hot path), so a new or revoked token counts at once, without a restart.
// Tokens from the configuration (admin.token, admin.tokens) live beside these, in auth.ts's TokenTable.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from './auth.ts';

export const ISSUED_TOKENS_FILE = 'admin-tokens.json';
export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface IssuedToken {
  name: string;
  role: Role;
  /** Hex SHA-256 of the token. */
  sha256: string;
  createdAt: string;
}

export class IssuedTokenError extends Error {}

export const tokenDigest = (token: string) => crypto.createHash('sha256').update(token).digest();

export class IssuedTokens {
  readonly file: string;
  private cached: { mtimeMs: number; size: number; tokens: IssuedToken[] } | null = null;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, ISSUED_TOKENS_FILE);
  }

  /** The tokens on file now; a missing file is an empty list, a damaged one an error naming it. */
  list(): IssuedToken[] {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    if (this.cached && this.cached.mtimeMs === stat.mtimeMs && this.cached.size === stat.size) return this.cached.tokens;
    const tokens = parseFile(this.file, fs.readFileSync(this.file, 'utf8'));
    this.cached = { mtimeMs: stat.mtimeMs, size: stat.size, tokens };
    return tokens;
  }

  /** Makes a token, stores its digest and returns the token: the only time it is ever shown. */
  create(name: string, role: string, now = new Date()): { token: string; entry: IssuedToken } {
    if (!NAME.test(name)) throw new IssuedTokenError(`--name: expected 1 to 64 letters, digits, dots, dashes or underscores, got ${JSON.stringify(name)}`);
    if (!ROLES.includes(role as Role)) throw new IssuedTokenError(`--role: expected one of ${ROLES.join(', ')}, got ${JSON.stringify(role)}`);
    const tokens = this.list();
    if (tokens.some((t) => t.name === name)) throw new IssuedTokenError(`a token named ${name} exists; revoke it first or choose another name`);
    // 32 random bytes: 256 bits, well past what token-strength.ts asks of configured tokens.
    const token = `mrt_${crypto.randomBytes(32).toString('base64url')}`;
    const entry: IssuedToken = { name, role: role as Role, sha256: tokenDigest(token).toString('hex'), createdAt: now.toISOString() };
    this.write([...tokens, entry]);
    return { token, entry };
  }

  revoke(name: string): boolean {
    const tokens = this.list();
    const kept = tokens.filter((t) => t.name !== name);
    if (kept.length === tokens.length) return false;
    this.write(kept);
    return true;
  }

  private write(tokens: IssuedToken[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const aside = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(aside, `${JSON.stringify({ tokens }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(aside, this.file);
    this.cached = null;
  }
}

function parseFile(file: string, text: string): IssuedToken[] {
  const bad = (why: string) => new IssuedTokenError(`${file} is damaged (${why}); fix or remove it, then create the tokens again`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const list = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(list)) throw bad('no "tokens" list');
  return list.map((t: Partial<IssuedToken>, i) => {
    if (typeof t.name !== 'string' || !ROLES.includes(t.role as Role) || typeof t.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(t.sha256)) throw bad(`entry ${i + 1}`);
    return { name: t.name, role: t.role as Role, sha256: t.sha256, createdAt: String(t.createdAt ?? '') };
  });
}
