// A full disk, as every store implementation reports it. The protocols answer it with their own
// "insufficient storage" reply (IMAP NO [OVERQUOTA]/[LIMIT], POP3 -ERR [SYS/TEMP], SMTP 452 4.3.1)
// instead of an internal error, and count it; see store/README.md for how the SQLite store keeps
// deletions working on a full disk.

/** Thrown when a write was refused (or failed) because the disk holding the data is full. */
export class DiskFullError extends Error {
  constructor(message = 'the disk holding the mail store is full') {
    super(message);
    this.name = 'DiskFullError';
  }
}

/**
 * SQLite says SQLITE_FULL (also through the accept worker, which passes the code on); a file write says
 * ENOSPC, or EDQUOT when a filesystem quota is what ran out.
 */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

export function isDiskFull(err: unknown): boolean {
  if (err instanceof DiskFullError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}
