// The byte-level edits export and import make to a message. Strings here are latin1 ("binary"): one
// character per byte, so 8-bit mail passes through unchanged. Mail is stored with CRLF line ends (as SMTP
// and IMAP carry it); files on disk use LF, as mutt, Dovecot and Python's mailbox module write them.

export const toLatin1 = (b: Buffer): string => b.toString('latin1');
export const fromLatin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

export const toLf = (text: string): string => text.replace(/\r\n/g, '\n');
export const toCrlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

const FLAG_HEADERS = /^(status|x-status|x-keywords)$/i;

/** The header block (up to and including its last line end) and the rest, for LF text. */
function splitHeader(text: string): { header: string[]; body: string } {
  if (text.startsWith('\n')) return { header: [], body: text };
  const end = text.indexOf('\n\n');
  // body keeps the blank line that ends the header block
  const headerText = end < 0 ? text.replace(/\n$/, '') : text.slice(0, end);
  const body = end < 0 ? '' : text.slice(end + 1);
  return { header: headerText === '' ? [] : headerText.split('\n'), body };
}

/** Removes the flag headers (with their continuation lines) and returns their values. */
export function takeFlagHeaders(text: string): { text: string; values: Map<string, string> } {
  const { header, body } = splitHeader(text);
  const kept: string[] = [];
  const values = new Map<string, string>();
  let dropping = false;
  for (const line of header) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    const name = /^([^:\s]+):/.exec(line)?.[1];
    dropping = name !== undefined && FLAG_HEADERS.test(name);
    if (dropping) values.set(name!.toLowerCase(), line.slice(name!.length + 1).trim());
    else kept.push(line);
  }
  return { text: kept.length > 0 ? `${kept.join('\n')}\n${body}` : body, values };
}

/** Replaces the flag headers with the given ones (placed at the end of the header block). */
export function putFlagHeaders(text: string, lines: readonly string[]): string {
  const stripped = takeFlagHeaders(text).text;
  const { header, body } = splitHeader(stripped);
  return `${[...header, ...lines].join('\n')}\n${body === '' ? '\n' : body}`;
}
