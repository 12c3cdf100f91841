// The first connection's failure, said in one line that names the URL (password masked) and what to
// do. Each SQLSTATE or socket code an operator meets at start has its own advice.
import { ConfigError } from '../../config/load.ts';
import { DatabaseUnavailableError } from '../database-unavailable.ts';
import type { PgConnection } from './url.ts';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

export function explainOpenError(err: unknown, conn: PgConnection): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const detail = (err as Error).message;
  const where = `PostgreSQL at ${conn.masked}`;
  switch (code) {
    case '28P01': // invalid_password
    case '28000': // invalid_authorization_specification (no pg_hba.conf entry, unknown role)
      return new ConfigError('database.url', `${where} refused the login (${detail}): check the user and password in database.url (MAILROOM_DATABASE_URL) and pg_hba.conf`);
    case '3D000': // invalid_catalog_name
      return new ConfigError(
        'database.url',
        `${where}: database "${conn.database}" does not exist: create it (createdb -h ${conn.host} -p ${conn.port} -U ${conn.user} ${conn.database}) or correct database.url`,
      );
    case '57P03': // cannot_connect_now (starting up, shutting down)
      return new DatabaseUnavailableError(`${where} is not accepting connections yet (${detail}): wait for it to finish starting, then start Mailroom again`);
  }
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return new DatabaseUnavailableError(`cannot reach ${where} (${detail}): check that PostgreSQL is running and that the host and port in database.url are right`);
  }
  if (/timeout/i.test(detail)) {
    return new DatabaseUnavailableError(`cannot reach ${where} (${detail}): check that PostgreSQL is running and that the host and port in database.url are right`);
  }
  if (/SSL|TLS|certificate/i.test(detail)) {
    return new ConfigError('database.url', `${where}: TLS failed (${detail}): check sslmode and sslrootcert in database.url`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
