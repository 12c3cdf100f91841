// Whether a store call failed because the database could not be reached or used for a while (PostgreSQL
// restarting, the network cut, connections refused or terminated), as opposed to a bug or bad data. The
// protocols answer the first with their "try again later" reply (IMAP NO [UNAVAILABLE], RFC 5530) and
// log the second as an internal error.
import { DatabaseUnavailableError } from './database-unavailable.ts';

/** Node's codes for a connection that failed or broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE classes and codes of a server that is away or refusing work for now: 08 connection exception,
 * 53 insufficient resources, 57P01-57P05 (shutdown, crash recovery, cannot connect now, database dropped,
 * idle session timeout), 3D000 database does not exist (dropped or not yet created under a running node).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53)|^57P0[1-5]$|^3D000$/;

export function isStoreUnavailable(err: unknown): boolean {
  if (err instanceof DatabaseUnavailableError) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  // node-postgres reports a connection that closed under a query, or a pool that could not connect in time,
  // by message only; a database closed to new connections (ALTER DATABASE ... ALLOW_CONNECTIONS false) is
  // SQLSTATE 55000, a class far too broad to take whole.
  return /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|is not currently accepting connections/i.test(err.message);
}
