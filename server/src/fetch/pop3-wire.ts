// The POP3 wire as a client reads it (RFC 1939 section 3): status lines ("+OK ..." / "-ERR ..."), and
// multi-line bodies that end with a line holding a single "." and in which every line that starts with
// "." carries one extra. Pure functions, so the tricky parts are tested without a socket.

export type StatusLine = { ok: true; text: string } | { ok: false; text: string };

/** Server text as it may appear in logs and errors: printable, one line, bounded. */
export function printable(text: string, max = 200): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}

export function parseStatus(line: Buffer): StatusLine | null {
  const text = line.toString('latin1');
  if (text.startsWith('+OK')) return { ok: true, text: text.slice(3).trim() };
  if (text.startsWith('-ERR')) return { ok: false, text: printable(text.slice(4).trim()) };
  return null;
}

/** One line of a multi-line body: the end marker (null), or the line with its byte-stuffing removed. */
export function unstuff(line: Buffer): Buffer | null {
  if (line.length === 1 && line[0] === 0x2e) return null;
  return line[0] === 0x2e ? line.subarray(1) : line;
}

/** "n uid" lines of a UIDL listing (uid: 1 to 70 printable characters, RFC 1939 section 7). */
export function parseUidlLine(line: string): { n: number; uid: string } | null {
  const m = /^(\d+) ([\x21-\x7e]{1,70})$/.exec(line.trim());
  return m ? { n: Number(m[1]), uid: m[2]! } : null;
}

/** "n size" lines of a LIST listing. */
export function parseListLine(line: string): { n: number; size: number } | null {
  const m = /^(\d+) (\d+)/.exec(line.trim());
  return m ? { n: Number(m[1]), size: Number(m[2]) } : null;
}
