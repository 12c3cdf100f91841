// Frames IMAP commands on the wire (RFC 3501 section 4.3, RFC 7888): a command is a line, or lines
// joined by literals announced as {n} (the client waits for our "+" continuation) or {n+} (it does
// not). The result keeps the wire form ("{n}\r\n" then the n bytes) so the parser reads literals in
// place. Limits are enforced here, before any literal byte is read.
import type { SocketReader } from '../../net/socket-reader.ts';
import { COMMAND_LINE_MAX_BYTES, COMMAND_MAX_BYTES, LITERAL_MAX_BYTES } from '../limits.ts';

/** Which size limit refused a command (a limit label of mailroom_connection_limit_hits_total). */
export type SizeLimit = 'line_too_long' | 'literal_too_large' | 'command_too_large';

export type Frame = { kind: 'command'; data: Buffer } | { kind: 'reject'; tag: string; status: 'BAD' | 'NO'; code?: string; text: string; fatal: boolean; limit?: SizeLimit } | { kind: 'eof' };

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
  /**
   * limits.imap_max_line_bytes, limits.imap_max_literal_bytes, limits.imap_max_command_bytes (defaults:
   * limits.ts). A refusal by one of them carries its `limit`; a message over appendMaxBytes does not (it is
   * the APPENDLIMIT, answered NO [TOOBIG]).
   */
  lineMaxBytes?: number;
  literalMaxBytes?: number;
  commandMaxBytes?: number;
}

export const tagOf = (line: Buffer): string | null => TAG.exec(line.toString('latin1', 0, Math.min(line.length, 256)))?.[1] ?? null;

export class CommandReader {
  private readonly lineMaxBytes: number;
  private readonly literalMaxBytes: number;
  private readonly commandMaxBytes: number;

  constructor(private readonly options: CommandReaderOptions) {
    this.lineMaxBytes = options.lineMaxBytes ?? COMMAND_LINE_MAX_BYTES;
    this.literalMaxBytes = options.literalMaxBytes ?? LITERAL_MAX_BYTES;
    this.commandMaxBytes = options.commandMaxBytes ?? COMMAND_MAX_BYTES;
  }

  async read(): Promise<Frame> {
    const parts: Buffer[] = [];
    let tag = '*';
    let total = 0;
    let isAppend = false;
    for (;;) {
      const r = await this.options.reader().readLine(this.lineMaxBytes);
      if (r.kind === 'eof') return r;
      if (r.kind === 'overflow') {
        if (parts.length === 0) tag = tagOf(r.head) ?? '*';
        return { kind: 'reject', tag, status: 'BAD', text: `Command line longer than ${this.lineMaxBytes} octets`, fatal: true, limit: 'line_too_long' };
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
      const literalLimit = isAppend ? this.options.appendMaxBytes : this.literalMaxBytes;
      const commandLimit = isAppend ? this.options.appendMaxBytes + this.commandMaxBytes : this.commandMaxBytes;
      const problem: { code: string | undefined; text: string; limit?: SizeLimit } | null =
        tag === '*'
          ? { code: undefined, text: 'Literal in a command without a valid tag' }
          : m[1]!.length > 12 || size > literalLimit
            ? { code: 'TOOBIG', text: `Literal of ${m[1]} octets is over the limit of ${literalLimit}`, ...(isAppend ? {} : { limit: 'literal_too_large' as const }) }
            : total + size > commandLimit
              ? { code: 'TOOBIG', text: `Command longer than ${commandLimit} octets`, ...(isAppend ? {} : { limit: 'command_too_large' as const }) }
              : null;
      if (problem) {
        // A refused synchronising literal is never sent, so the connection stays in step. A
        // non-synchronising one is already on its way and we cannot tell where it ends: close.
        const status = isAppend && problem.code === 'TOOBIG' && synchronising ? 'NO' : 'BAD';
        return { kind: 'reject', tag, status, ...(problem.code ? { code: problem.code } : {}), text: problem.text, fatal: !synchronising, ...(problem.limit ? { limit: problem.limit } : {}) };
      }
      if (synchronising) await this.options.continueLiteral();
      const data = await this.options.reader().readBytes(size);
      if (data === null) return { kind: 'eof' };
      parts.push(CRLF, data);
      total += size;
    }
  }
}
