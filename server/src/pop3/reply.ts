// POP3 replies: the one error type commands throw (turned into "-ERR" in one place, the session), the
// extended response codes of RFC 2449 / RFC 3206, and multi-line bodies with byte-stuffing.

export type Pop3Code = 'IN-USE' | 'LOGIN-DELAY' | 'AUTH' | 'SYS/TEMP' | 'SYS/PERM';

export class Pop3Error extends Error {
  constructor(
    message: string,
    readonly code?: Pop3Code,
  ) {
    super(message);
    this.name = 'Pop3Error';
  }

  get line(): string {
    return `-ERR ${this.code ? `[${this.code}] ` : ''}${this.message}\r\n`;
  }
}

export const ok = (text: string): string => `+OK ${text}\r\n`;

/** A multi-line reply whose lines never start with "." (listings). */
export const multiline = (first: string, lines: readonly string[]): string => `+OK ${first}\r\n${lines.map((l) => `${l}\r\n`).join('')}.\r\n`;

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const TERMINATOR = Buffer.from('.\r\n');

/**
 * Message content as a multi-line body (RFC 1939 section 3): every line ends in CRLF (stored mail may
 * have bare LFs), a line starting with "." gets a second one, and ".\r\n" ends it.
 * maxBodyLines limits the lines after the header (TOP); undefined sends everything.
 */
export function stuffMessage(content: Buffer, maxBodyLines?: number): Buffer {
  const out: Buffer[] = [];
  let start = 0;
  let inHeader = true;
  let bodyLines = 0;
  while (start < content.length) {
    if (!inHeader && maxBodyLines !== undefined && bodyLines >= maxBodyLines) break;
    let lf = content.indexOf(LF, start);
    if (lf < 0) lf = content.length;
    const end = lf > start && content[lf - 1] === CR ? lf - 1 : lf;
    const line = content.subarray(start, end);
    if (line[0] === DOT) out.push(Buffer.from('.'));
    out.push(line, CRLF);
    if (inHeader && line.length === 0) inHeader = false;
    else if (!inHeader) bodyLines++;
    start = lf + 1;
  }
  out.push(TERMINATOR);
  return Buffer.concat(out);
}
