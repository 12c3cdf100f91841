// How IMAP flags travel in the two export formats. Maildir keeps them in the file name's info part
// (":2," and letters in ASCII order: D draft, F flagged, R replied, S seen, T trashed). mbox keeps them in
// headers, as UW-IMAP, Dovecot and mutt do: `Status:` (R seen, O old: already looked at by a client),
// `X-Status:` (A answered, F flagged, T draft, D deleted) and `X-Keywords:` (keywords, space separated).
// Maildir has no place for keywords without a side file, so they are not kept there.

const MAILDIR_LETTERS: Array<[string, string]> = [
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
];

const X_STATUS_LETTERS: Array<[string, string]> = [
  ['A', '\\Answered'],
  ['F', '\\Flagged'],
  ['T', '\\Draft'],
  ['D', '\\Deleted'],
];

export function maildirInfo(flags: readonly string[]): string {
  return `2,${MAILDIR_LETTERS.filter(([, flag]) => flags.includes(flag))
    .map(([letter]) => letter)
    .join('')}`;
}

/** Flags from a maildir file name ("1700000000.M1P2.host:2,FS"); none without an info part. */
export function flagsFromMaildirName(name: string): string[] {
  const info = /:2,([A-Za-z]*)$/.exec(name);
  if (!info) return [];
  return MAILDIR_LETTERS.filter(([letter]) => info[1]!.includes(letter)).map(([, flag]) => flag);
}

export interface MboxFlagHeaders {
  status: string;
  xStatus: string;
  keywords: string[];
}

export function mboxFlagHeaders(flags: readonly string[]): MboxFlagHeaders {
  return {
    status: flags.includes('\\Seen') ? 'RO' : 'O',
    xStatus: X_STATUS_LETTERS.filter(([, flag]) => flags.includes(flag))
      .map(([letter]) => letter)
      .join(''),
    keywords: flags.filter((f) => !f.startsWith('\\')),
  };
}

export function flagsFromMboxHeaders(h: Partial<MboxFlagHeaders>): string[] {
  const flags: string[] = [];
  if (h.status?.includes('R')) flags.push('\\Seen');
  for (const [letter, flag] of X_STATUS_LETTERS) if (h.xStatus?.includes(letter)) flags.push(flag);
  for (const keyword of h.keywords ?? []) if (keyword !== '' && !flags.includes(keyword)) flags.push(keyword);
  return flags;
}
