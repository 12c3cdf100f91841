// Bearer tokens with roles. viewer reads; operator also acts on the queue and the server; admin also
// manages accounts, domains and logging. Tokens are compared in constant time and never logged: only
// their names appear in audit lines.
import crypto from 'node:crypto';
import type Koa from 'koa';
import { ApiError } from './errors.ts';
import type { RefuseWrongToken } from './wrong-token.ts';

export type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface ApiToken {
  name: string;
  role: Role;
  token: string;
}

export interface AuthState {
  tokenName: string;
  role: Role;
}

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();

/** Tokens from outside the configuration (issued-tokens.ts), read on every check so changes count at once. */
export interface TokenSource {
  list(): ReadonlyArray<{ name: string; role: Role; sha256: string }>;
}

export class TokenTable {
  private readonly entries: Array<{ name: string; role: Role; digest: Buffer }>;

  constructor(
    tokens: readonly ApiToken[],
    private readonly issued: TokenSource | null = null,
    private readonly onIssuedError: (err: Error) => void = () => undefined,
  ) {
    this.entries = tokens.map((t) => ({ name: t.name, role: t.role, digest: digest(t.token) }));
  }

  /** Configured tokens and issued ones. */
  get size(): number {
    return this.entries.length + this.issuedEntries().length;
  }

  /** Checks every entry (no early exit) so timing says nothing about which token nearly matched. */
  find(presented: string): AuthState | null {
    const d = digest(presented);
    let found: AuthState | null = null;
    for (const e of [...this.entries, ...this.issuedEntries()]) {
      if (crypto.timingSafeEqual(d, e.digest) && found === null) found = { tokenName: e.name, role: e.role };
    }
    return found;
  }

  private issuedEntries(): Array<{ name: string; role: Role; digest: Buffer }> {
    if (!this.issued) return [];
    try {
      return this.issued.list().map((t) => ({ name: t.name, role: t.role, digest: Buffer.from(t.sha256, 'hex') }));
    } catch (err) {
      // A damaged file must not take the configured tokens down with it.
      this.onIssuedError(err as Error);
      return [];
    }
  }
}

export function bearer(ctx: Koa.Context): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get('Authorization'));
  return m ? m[1]! : null;
}

/** Authenticates every request that reaches it; 401 without a token, and after a delay with a wrong one. */
export function authenticate(tokens: TokenTable, refuseWrongToken: RefuseWrongToken): Koa.Middleware {
  return async function auth(ctx, next) {
    const presented = bearer(ctx);
    if (!presented) throw new ApiError(401, 'unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
    const state = tokens.find(presented);
    if (!state) return refuseWrongToken(ctx, 'invalid token');
    ctx.state.auth = state;
    await next();
  };
}

export function requireRole(role: Role): Koa.Middleware {
  return async function roleCheck(ctx, next) {
    const auth = ctx.state.auth as AuthState | undefined;
    if (!auth || RANK[auth.role] < RANK[role]) {
      throw new ApiError(403, 'forbidden', `this action needs the ${role} role; the token has ${auth?.role ?? 'none'}`);
    }
    await next();
  };
}
