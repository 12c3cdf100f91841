// A cursor over one framed command (RFC 3501 section 9 grammar): the primitives every command parser
// is built from. Each method consumes what it recognises or throws BAD naming what it expected.
import { bad } from '../errors.ts';

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
/** ATOM-CHAR: any CHAR except "(" ")" "{" SP CTL "%" "*" DQUOTE "\" "]". */
const isAtomChar = (b: number) => b > 0x20 && b < 0x7f && b !== 0x28 && b !== 0x29 && b !== 0x7b && b !== 0x25 && b !== 0x2a && b !== DQUOTE && b !== BACKSLASH && b !== 0x5d;
/** Also 8-bit bytes: clients such as Python's imaplib send UTF-8 search strings unquoted. */
const isAstringChar = (b: number) => isAtomChar(b) || b === 0x5d || b >= 0x80;
const isListChar = (b: number) => isAtomChar(b) || b === 0x25 || b === 0x2a || b === 0x5d;

export class Cursor {
  pos = 0;

  /** Mailbox names in this command are UTF-8, not modified UTF-7 (the session enabled IMAP4rev2). */
  utf8Names = false;

  constructor(readonly data: Buffer) {}

  get done(): boolean {
    return this.pos >= this.data.length;
  }

  peek(): number {
    return this.pos < this.data.length ? this.data[this.pos]! : -1;
  }

  space(): void {
    if (this.peek() !== SP) throw bad(this.done ? 'Missing arguments' : 'Expected a space');
    this.pos++;
  }

  trySpace(): boolean {
    if (this.peek() !== SP) return false;
    this.pos++;
    return true;
  }

  end(): void {
    if (!this.done) throw bad('Unexpected characters after the arguments');
  }

  tryChar(ch: string): boolean {
    if (this.peek() !== ch.charCodeAt(0)) return false;
    this.pos++;
    return true;
  }

  char(ch: string, what = `"${ch}"`): void {
    if (!this.tryChar(ch)) throw bad(`Expected ${what}`);
  }

  /** A run of bytes for which accept() holds; at least one. */
  private run(accept: (b: number) => boolean, what: string): string {
    const start = this.pos;
    while (!this.done && accept(this.data[this.pos]!)) this.pos++;
    if (this.pos === start) throw bad(`Expected ${what}`);
    return this.data.toString('latin1', start, this.pos);
  }

  atom(what = 'an atom'): string {
    return this.run(isAtomChar, what);
  }

  /** A keyword, compared case-insensitively, that is not the start of a longer atom. */
  tryKeyword(word: string): boolean {
    const end = this.pos + word.length;
    if (end > this.data.length) return false;
    if (this.data.toString('latin1', this.pos, end).toUpperCase() !== word) return false;
    if (end < this.data.length && isAtomChar(this.data[end]!)) return false;
    this.pos = end;
    return true;
  }

  number(what = 'a number'): number {
    const digits = this.run((b) => b >= 0x30 && b <= 0x39, what);
    const n = Number(digits);
    if (digits.length > 10 || n > 0xffffffff) throw bad(`${what} is out of range`);
    return n;
  }

  nzNumber(what = 'a number above zero'): number {
    const n = this.number(what);
    if (n === 0) throw bad(`Expected ${what}`);
    return n;
  }

  quoted(): Buffer {
    this.char('"', 'a quoted string');
    const out: number[] = [];
    for (;;) {
      if (this.done) throw bad('Unterminated quoted string');
      const b = this.data[this.pos++]!;
      if (b === DQUOTE) return Buffer.from(out);
      if (b === 0x0d || b === 0x0a || b === 0) throw bad('Line break or NUL in a quoted string');
      if (b === BACKSLASH) {
        const next = this.data[this.pos++];
        if (next !== DQUOTE && next !== BACKSLASH) throw bad('Only \\" and \\\\ may be escaped in a quoted string');
        out.push(next);
      } else {
        out.push(b);
      }
    }
  }

  /** {n}CRLF or {n+}CRLF and n bytes; the command reader already checked the size and read them. */
  literal(): Buffer {
    this.char('{', 'a literal');
    const n = this.number('a literal size');
    this.tryChar('+');
    this.char('}');
    if (this.data[this.pos] !== 0x0d || this.data[this.pos + 1] !== 0x0a) throw bad('Expected a line break after the literal size');
    this.pos += 2;
    if (this.pos + n > this.data.length) throw bad('Literal is shorter than announced');
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): Buffer {
    const b = this.peek();
    if (b === DQUOTE) return this.quoted();
    if (b === 0x7b) return this.literal();
    throw bad('Expected a string');
  }

  astring(what = 'a string'): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === 0x7b) return this.string();
    return Buffer.from(this.run(isAstringChar, what), 'latin1');
  }

  /** list-mailbox: like astring but wildcards "%" and "*" may appear unquoted. */
  listMailbox(): Buffer {
    const b = this.peek();
    if (b === DQUOTE || b === 0x7b) return this.string();
    return Buffer.from(this.run(isListChar, 'a mailbox pattern'), 'latin1');
  }

  /** A flag: "\" atom (system or extension flag) or a keyword atom. */
  flag(): string {
    const slash = this.tryChar('\\') ? '\\' : '';
    return slash + this.atom('a flag');
  }

  /** "(" [flag *(SP flag)] ")" */
  flagList(): string[] {
    this.char('(', 'a flag list');
    const flags: string[] = [];
    while (!this.tryChar(')')) {
      if (flags.length > 0) this.space();
      flags.push(this.flag());
    }
    return flags;
  }

  /** Bytes up to (not including) the next space or the end: a sequence set, a date. */
  token(what: string): string {
    return this.run((b) => b !== SP && b !== 0x28 && b !== 0x29, what);
  }
}
