// The one reply-error type of IMAP: thrown anywhere in a command, turned into the tagged NO or BAD in one
// place (the session). code is an RFC 5530 response code such as NONEXISTENT or TRYCREATE.
export type ImapStatus = 'NO' | 'BAD';

export class ImapError extends Error {
  constructor(
    readonly status: ImapStatus,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ImapError';
  }
}

export const no = (message: string, code?: string): ImapError => new ImapError('NO', message, code);
export const bad = (message: string, code?: string): ImapError => new ImapError('BAD', message, code);

/**
 * The store found the disk full (store/disk-full.ts). RFC 5530: OVERQUOTA for the commands that add mail
 * (APPEND, COPY, MOVE), which clients show as "mailbox full: delete something", the answer that helps;
 * LIMIT for anything else (CREATE, RENAME, a STORE that still failed), an implementation limit the user
 * did not cause. Deleting keeps working: STORE \Deleted and EXPUNGE have the store's reserve.
 */
const ADDS_MAIL = new Set(['APPEND', 'COPY', 'MOVE']);

export function diskFull(command: string): ImapError {
  return ADDS_MAIL.has(command)
    ? no('Not enough disk space on the server; delete mail (STORE \\Deleted, EXPUNGE) and try again', 'OVERQUOTA')
    : no('The server is out of disk space; try again later', 'LIMIT');
}
