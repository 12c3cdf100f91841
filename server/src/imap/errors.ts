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
