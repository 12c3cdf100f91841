// The folders every new account gets, in every store implementation.

/** Folders every account gets, with their RFC 6154 special-use attribute. */
export const DEFAULT_MAILBOXES: ReadonlyArray<[name: string, specialUse: string | null]> = [
  ['INBOX', null],
  ['Sent', '\\Sent'],
  ['Drafts', '\\Drafts'],
  ['Trash', '\\Trash'],
  ['Junk', '\\Junk'],
];
