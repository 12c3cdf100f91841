// APPEND's arguments (RFC 3501 6.3.11) with MULTIAPPEND (RFC 3502: several messages in one command, each
// with its own flags and date), BINARY's literal8 (RFC 3516: "~{n}", content that may hold NUL bytes) and
// UTF8=ACCEPT's `UTF8 (~{n})` (RFC 6855).
// The whole command is parsed before anything is stored, so a malformed third message stores nothing.
import { bad } from '../errors.ts';
import type { Cursor } from './cursor.ts';
import { parseDateTime } from './date-time.ts';

export interface AppendMessage {
  flags: string[];
  date: number | null;
  message: Buffer;
  /** Sent as literal8 (BINARY). */
  binary: boolean;
}

function appendMessage(c: Cursor): AppendMessage {
  let flags: string[] = [];
  let date: number | null = null;
  if (c.peek() === 0x28) {
    flags = c.flagList();
    c.space();
  }
  if (c.peek() === 0x22) {
    date = parseDateTime(c.quoted().toString('latin1'));
    c.space();
  }
  // UTF8=ACCEPT's form (RFC 6855 4): `UTF8 (~{n}...)`, a message whose header may hold UTF-8, stored as sent.
  if (c.tryKeyword('UTF8')) {
    c.space();
    c.char('(');
    if (!c.tryChar('~') || c.peek() !== 0x7b) throw bad('Expected a literal8 in UTF8 (...)');
    const message = c.literal();
    c.char(')');
    return { flags, date, message, binary: true };
  }
  const binary = c.tryChar('~');
  if (binary && c.peek() !== 0x7b) throw bad('Expected a literal after "~"');
  const message = binary || c.peek() === 0x7b ? c.literal() : c.string();
  return { flags, date, message, binary };
}

/** After the mailbox: one message or more, each preceded by a space. */
export function parseAppendMessages(c: Cursor): AppendMessage[] {
  const messages: AppendMessage[] = [];
  do {
    c.space();
    messages.push(appendMessage(c));
  } while (!c.done);
  return messages;
}
