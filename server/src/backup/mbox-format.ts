// The mbox format as written here: mboxrd (each message starts with a "From " line; a body line that
// starts with ">*From " gets one more ">", so reading strips exactly one and nothing is lost), LF line
// ends, a blank line after each message. Readers of the older mboxo variant (mutt, Python's mailbox)
// read it too.
import fs from 'node:fs';
import readline from 'node:readline';
import { BackupError } from './backup-error.ts';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** asctime() in UTC, the date format of the "From " line: "Thu Dec  4 10:58:01 2026". */
export function asctime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** The envelope sender from Return-Path, else MAILER-DAEMON (what mutt and Dovecot write without one). */
export function envelopeSender(text: string): string {
  const returnPath = /^Return-Path:\s*<([^>\s]*)>/im.exec(text.slice(0, Math.max(0, text.indexOf('\n\n')) || text.length));
  return returnPath?.[1] || 'MAILER-DAEMON';
}

export function fromLine(text: string, internalDate: number): string {
  return `From ${envelopeSender(text)} ${asctime(internalDate)}`;
}

export const escapeFromLines = (text: string): string => text.replace(/^(>*From )/gm, '>$1');
export const unescapeFromLines = (text: string): string => text.replace(/^>(>*From )/gm, '$1');

/** The time in a "From " line, or null when it carries none we can read. */
export function fromLineDate(line: string): number | null {
  const m = /^From \S+\s+(\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}:\d{2}\s+\d{4})/.exec(line);
  if (!m) return null;
  const ms = Date.parse(`${m[1]} UTC`);
  return Number.isNaN(ms) ? null : ms;
}

export interface MboxMessage {
  /** LF text with the From-quoting undone. */
  text: string;
  /** From the "From " line; null when it had none. */
  date: number | null;
}

/**
 * The messages of an mbox file, one at a time (the file is streamed, never read whole). A "From " line
 * starts a message at the top of the file or after a blank line, the rule mutt and Python apply.
 */
export async function* readMbox(file: string): AsyncGenerator<MboxMessage> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'latin1' }), crlfDelay: Infinity });
  let current: string[] | null = null;
  let date: number | null = null;
  let previousBlank = true;
  const finish = (): MboxMessage => {
    const body = current!;
    if (body.length > 0 && body[body.length - 1] === '') body.pop(); // the separator line
    return { text: unescapeFromLines(`${body.join('\n')}\n`), date };
  };
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (previousBlank && line.startsWith('From ')) {
      if (current) yield finish();
      current = [];
      date = fromLineDate(line);
    } else if (current) {
      current.push(line);
    } else if (line.trim() !== '') {
      throw new BackupError(`${file} is not an mbox file: it does not start with a "From " line`);
    }
    previousBlank = line === '';
  }
  if (current) yield finish();
}
