// Turns a POP3 command line into a keyword and arguments (RFC 1939 section 3). Parsing only: whether
// the command exists or fits the state is the session's business.
import { Pop3Error } from './reply.ts';

export interface Pop3Command {
  /** Upper-cased keyword. */
  name: string;
  /** Space-separated arguments. */
  args: string[];
  /** Everything after the keyword and one space, as sent: PASS allows spaces in a password. */
  rest: string;
}

const KEYWORD = /^[A-Za-z]{3,4}$/;

export function parseCommand(line: Buffer): Pop3Command {
  // Passwords may be UTF-8; a NUL or other control byte is never part of a valid command.
  if (line.some((b) => b < 0x20 && b !== 0x09)) throw new Pop3Error('Invalid characters in command');
  const text = line.toString('utf8');
  const space = text.indexOf(' ');
  const keyword = space < 0 ? text : text.slice(0, space);
  if (!KEYWORD.test(keyword)) throw new Pop3Error('Unknown command');
  const rest = space < 0 ? '' : text.slice(space + 1);
  return { name: keyword.toUpperCase(), args: rest.split(' ').filter((a) => a !== ''), rest };
}

/** A message number argument: a positive decimal integer (range is checked against the maildrop). */
export function messageNumber(arg: string | undefined): number {
  if (arg === undefined || !/^[1-9][0-9]{0,9}$/.test(arg)) throw new Pop3Error('Invalid message number');
  return Number(arg);
}

export function lineCount(arg: string | undefined): number {
  if (arg === undefined || !/^[0-9]{1,10}$/.test(arg)) throw new Pop3Error('Invalid number of lines');
  return Number(arg);
}
