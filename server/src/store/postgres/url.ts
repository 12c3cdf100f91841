// database.url for PostgreSQL: postgres://user:password@host:port/db?sslmode=...&sslrootcert=... turned
// into node-postgres connection settings, and the same URL with its password masked for every message.
// Parsed here rather than by pg's connection string parser: that one treats sslmode=require as
// verify-full (and warns about it), while an operator who writes require means libpq's require.
import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../../config/load.ts';

export interface PgConnection {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** false: plain TCP (sslmode=disable or unset); otherwise the TLS options. */
  ssl: false | ConnectionOptions;
  /** The URL with the password replaced by ***, for logs and error messages. */
  masked: string;
}

const SSL_MODES = ['disable', 'require', 'verify-full'] as const;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Everything between the user's colon and the last @ of the authority is the password (even an unescaped @ in it). */
export function maskUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^/]*@/i, '$1***@');
}

export function parsePostgresUrl(url: string): PgConnection {
  const masked = maskUrl(url);
  const bad = (why: string) => new ConfigError('database.url', `invalid setting database.url: ${masked}: ${why}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a URL; expected postgres://user:password@host:port/database');
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname) throw bad('no host; expected postgres://user:password@host:port/database');
  if (!database) throw bad('no database name; expected postgres://user:password@host:port/database');
  const mode = parsed.searchParams.get('sslmode') ?? 'disable';
  if (!(SSL_MODES as readonly string[]).includes(mode)) throw bad(`sslmode=${mode} is not supported; use ${SSL_MODES.join(', ')}`);
  for (const key of parsed.searchParams.keys()) {
    if (key !== 'sslmode' && key !== 'sslrootcert') throw bad(`unknown parameter ${key}; only sslmode and sslrootcert are read`);
  }
  const rootCert = parsed.searchParams.get('sslrootcert');
  let ssl: PgConnection['ssl'] = false;
  if (mode === 'require') ssl = { rejectUnauthorized: false }; // encrypted, certificate not checked (libpq's require)
  if (mode === 'verify-full') {
    ssl = { rejectUnauthorized: true };
    if (rootCert) {
      try {
        ssl.ca = fs.readFileSync(rootCert, 'utf8');
      } catch (err) {
        throw bad(`sslrootcert ${rootCert} cannot be read: ${(err as Error).message}`);
      }
    }
  }
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database,
    ssl,
    masked,
  };
}
