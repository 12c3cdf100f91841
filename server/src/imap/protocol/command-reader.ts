// Frames IMAP commands on the wire (RFC 3501 section 4.3, RFC 7888): a command is a line, or lines
// joined by literals announced as {n} (the client waits for our "+" continuation) or {n+} (it does
// not). The result keeps the wire form ("{n}\r\n" then the n bytes) so the parser reads literals in
// place. Limits are enforced here, before any literal byte is read.
import type { SocketReader } from '../../net/socket-reader.ts';
import { COMMAND_LINE_MAX_BYTES, COMMAND_MAX_BYTES, LITERAL_MAX_BYTES } from '../limits.ts';

export type Frame = { kind: 'command'; data: Buffer } | { kind: 'reject'; tag: string; status: 'BAD' | 'NO'; code?: string; text: string; fatal: boolean } | { kind: 'eof' };

const LITERAL_AT_END = /\{(\d+)(\+?)\}$/;
/** A tag and the space after it: astring-chars except "+" (RFC 3501 section 9). */
const TAG = /^([^\x00-\x20\x7f-\xff(){%*"\\+]+) /;
const APPEND = /^[^ ]+ +APPEND /i;
const CRLF = Buffer.from('\r\n');

export interface CommandReaderOptions {
  /** The current socket reader (STARTTLS replaces it). */
  reader(): SocketReader;
  /** Sends "+ ..." so the client sends a synchronising literal. */
  continueLiteral(): Promise<void>;
  /** The first line of a command has arrived: the session is busy from here on. */
  started(): void;
  appendMaxBytes: number;
}

export const tagOf = (line: Buffer): string | null => TAG.exec(line.toString('latin1', 0, Math.min(line.length, 256)))?.[1] ?? null;

export class CommandReader {
  constructor(private readonly options: CommandReaderOptions) {}

  async read(): Promise<Frame> {
    const parts: Buffer[] = [];
    let tag = '*';
    let total = 0;
    let isAppend = false;
    for (;;) {
      const r = await this.options.reader().readLine(COMMAND_LINE_MAX_BYTES);
      if (r.kind === 'eof') return r;
      if (r.kind === 'overflow') {
        if (parts.length === 0) tag = tagOf(r.head) ?? '*';
        return { kind: 'reject', tag, status: 'BAD', text: `Command line longer than ${COMMAND_LINE_MAX_BYTES} octets`, fatal: true };
      }
      const line = r.line;
      if (parts.length === 0) {
        // Blank lines between commands are noise some clients send; they carry nothing to answer.
        if (line.length === 0) continue;
        this.options.started();
        tag = tagOf(line) ?? '*';
        isAppend = APPEND.test(line.toString('latin1', 0, Math.min(line.length, 300)));
      }
      parts.push(line);
      total += line.length;
      const m = LITERAL_AT_END.exec(line.toString('latin1', Math.max(0, line.length - 24)));
      if (!m) return { kind: 'command', data: Buffer.concat(parts) };
      const size = Number(m[1]);
      const synchronising = m[2] !== '+';
      const literalLimit = isAppend ? this.options.appendMaxBytes : LITERAL_MAX_BYTES;
      const commandLimit = isAppend ? this.options.appendMaxBytes + COMMAND_MAX_BYTES : COMMAND_MAX_BYTES;
      const problem =
        tag === '*'
          ? { code: undefined, text: 'Literal in a command without a valid tag' }
          : m[1]!.length > 12 || size > literalLimit
            ? { code: 'TOOBIG', text: `Literal of ${m[1]} octets is over the limit of ${literalLimit}` }
            : total + size > commandLimit
              ? { code: 'TOOBIG', text: `Command longer than ${commandLimit} octets` }
              : null;
      if (problem) {
        // A refused synchronising literal is never sent, so the connection stays in step. A
        // non-synchronising one is already on its way and we cannot tell where it ends: close.
        const status = isAppend && problem.code === 'TOOBIG' && synchronising ? 'NO' : 'BAD';
        return { kind: 'reject', tag, status, ...(problem.code ? { code: problem.code } : {}), text: problem.text, fatal: !synchronising };
      }
      if (synchronising) await this.options.continueLiteral();
      const data = await this.options.reader().readBytes(size);
      if (data === null) return { kind: 'eof' };
      parts.push(CRLF, data);
      total += size;
    }
  }
}
