// The IMAP command parser (protocol/commands.ts over cursor.ts, with sequence sets, search keys,
// FETCH items, dates and mailbox names) on command-shaped input.
import fc from 'fast-check';
import { parseCommand } from '../../src/imap/protocol/commands.ts';
import { tagOf } from '../../src/imap/protocol/command-reader.ts';
import { ImapError } from '../../src/imap/errors.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

const COMMANDS = [
  'CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'LOGIN', 'AUTHENTICATE PLAIN', 'SELECT', 'EXAMINE', 'CREATE', 'DELETE',
  'RENAME', 'SUBSCRIBE', 'LIST', 'LSUB', 'STATUS', 'APPEND', 'CHECK', 'CLOSE', 'UNSELECT', 'EXPUNGE', 'SEARCH',
  'FETCH', 'STORE', 'COPY', 'MOVE', 'UID FETCH', 'UID SEARCH', 'UID STORE', 'UID COPY', 'UID MOVE', 'UID EXPUNGE',
  'IDLE', 'NAMESPACE', 'ID', 'ENABLE', 'UID NOOP',
];

export const IMAP_DICTIONARY = [
  ' ', ' ', ' ', '(', ')', '"', '\\', '{', '}', '{0}\r\n', '{3}\r\nabc', '{2+}\r\nab', '{5}\r\n', '\r\n', '[', ']', '<', '>', '.', '*', '%',
  '1', '2', '0', '4294967295', '4294967296', '99999999999', ':', ',', '1:*', '*:3', '2,4:7',
  'NIL', 'INBOX', '&-', '&AOQ-', '&Jjo', 'Entw&APw-rfe', '\u00e4', '\\Seen', '\\Deleted', '$Junk', '+FLAGS', '-FLAGS.SILENT', 'FLAGS',
  'ALL', 'FAST', 'FULL', 'BODY', 'BODY.PEEK', 'BODY[', 'BODY[]', 'BODY.PEEK[HEADER.FIELDS (From To)]', 'HEADER', 'HEADER.FIELDS', 'HEADER.FIELDS.NOT', 'TEXT', 'MIME', '1.2.', 'UID', 'FLAGS', 'ENVELOPE', 'BODYSTRUCTURE', 'RFC822.SIZE', '<0.512>',
  'CHARSET', 'UTF-8', 'NOT', 'OR', 'FROM', 'SUBJECT', 'HEADER', 'KEYWORD', 'SINCE', 'BEFORE', 'SENTON', '1-Feb-1994', '31-Feb-2024', 'LARGER', 'SMALLER', 'UNSEEN', '((((((',
  '"17-Jul-1996 02:44:25 -0700"', 'MESSAGES', 'UIDNEXT', 'UNSEEN',
];

/** A tag (sometimes missing or invalid), a command name, then grammar pieces. */
export const imapCommand = fc
  .tuple(fc.constantFrom('a1 ', 'A.2 ', '* ', '+ ', '', 'x{ '), fc.constantFrom(...COMMANDS), tokens(IMAP_DICTIONARY))
  .map(([tag, name, rest]) => toBuffer(`${tag}${name}${rest}`));

export const imapCommandTarget: FuzzTarget = {
  name: 'imap/command',
  checks: 'parseCommand returns a command or an ImapError with the tag of the line; never throws; the result is at most proportional to the input',
  property: fc.property(imapCommand, (data) => {
    const parsed = parseCommand(data);
    if (parsed.tag !== (tagOf(data) ?? '*')) throw new Error(`tag ${parsed.tag} is not the line's`);
    if ('error' in parsed && !(parsed.error instanceof ImapError)) throw new Error('error is not an ImapError');
    // Bounded work: what comes out is never more than a constant times what went in (FETCH ALL is the
    // largest expansion: 3 bytes to 4 items).
    const size = JSON.stringify(parsed, (_, v: unknown) => (v && typeof v === 'object' && 'type' in v && (v as { type: unknown }).type === 'Buffer' ? 'B' : v)).length;
    if (size > 64 * data.length + 512) throw new Error(`output of ${size} for ${data.length} bytes of input`);
    return true;
  }),
};
