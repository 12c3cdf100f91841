// LIST's arguments with LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and SPECIAL-USE (RFC 6154):
//   LIST [(selection options)] reference (pattern | (pattern ...)) [RETURN (return options)]
// Unknown options are BAD: RFC 5258 lets a server refuse what it does not know, and silently ignoring a
// selection option would list mailboxes the client did not ask for.
import { bad } from '../errors.ts';
import { patternFromWire } from '../mailbox-name.ts';
import type { Cursor } from './cursor.ts';

export type ListSelection = 'SUBSCRIBED' | 'REMOTE' | 'RECURSIVEMATCH' | 'SPECIAL-USE';
export type ListStatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'SIZE' | 'DELETED' | 'DELETED-STORAGE';

export interface ListReturn {
  subscribed: boolean;
  children: boolean;
  specialUse: boolean;
  /** LIST-STATUS: the STATUS items to send after each selectable mailbox. */
  status: ListStatusItem[] | null;
}

export interface ListArguments {
  reference: string;
  patterns: string[];
  selection: ListSelection[];
  returns: ListReturn;
  /** Whether the client used any LIST-EXTENDED syntax (selection, several patterns or RETURN). */
  extended: boolean;
}

const SELECTIONS: readonly string[] = ['SUBSCRIBED', 'REMOTE', 'RECURSIVEMATCH', 'SPECIAL-USE'];

/** "(" item *(SP item) ")" where items are atoms, possibly empty. */
function atomList(c: Cursor, what: string, item: (c: Cursor) => void): void {
  c.char('(', what);
  let first = true;
  while (!c.tryChar(')')) {
    if (!first) c.space();
    first = false;
    item(c);
  }
}

export function parseStatusItems(c: Cursor, known: readonly string[]): string[] {
  const items: string[] = [];
  atomList(c, 'a list of status items', () => {
    const item = c.atom('a status item').toUpperCase();
    if (!known.includes(item)) throw bad(`Unknown status item "${item.slice(0, 30)}"`);
    if (!items.includes(item)) items.push(item);
  });
  if (items.length === 0) throw bad('Empty status item list');
  return items;
}

function returnOptions(c: Cursor, statusItems: readonly string[]): ListReturn {
  const returns: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  c.space();
  atomList(c, 'a list of return options', () => {
    const option = c.atom('a return option').toUpperCase();
    if (option === 'SUBSCRIBED') returns.subscribed = true;
    else if (option === 'CHILDREN') returns.children = true;
    else if (option === 'SPECIAL-USE') returns.specialUse = true;
    else if (option === 'STATUS') {
      c.space();
      returns.status = parseStatusItems(c, statusItems) as ListStatusItem[];
    } else throw bad(`Unknown LIST return option "${option.slice(0, 30)}"`);
  });
  return returns;
}

export function parseListArguments(c: Cursor, statusItems: readonly string[]): ListArguments {
  c.space();
  const selection: ListSelection[] = [];
  let extended = false;
  if (c.peek() === 0x28) {
    extended = true;
    atomList(c, 'a list of selection options', () => {
      const option = c.atom('a selection option').toUpperCase();
      if (!SELECTIONS.includes(option)) throw bad(`Unknown LIST selection option "${option.slice(0, 30)}"`);
      if (!selection.includes(option as ListSelection)) selection.push(option as ListSelection);
    });
    // RFC 5258 3: RECURSIVEMATCH alone says nothing about what to select.
    if (selection.includes('RECURSIVEMATCH') && !selection.some((s) => s !== 'RECURSIVEMATCH' && s !== 'REMOTE')) {
      throw bad('RECURSIVEMATCH needs another selection option such as SUBSCRIBED');
    }
    c.space();
  }
  const reference = patternFromWire(c.astring('a reference name'), c.utf8Names);
  c.space();
  const patterns: string[] = [];
  if (c.peek() === 0x28) {
    extended = true;
    c.char('(');
    while (!c.tryChar(')')) {
      if (patterns.length > 0) c.space();
      patterns.push(patternFromWire(c.listMailbox(), c.utf8Names));
      if (patterns.length > 100) throw bad('Too many LIST patterns');
    }
    if (patterns.length === 0) throw bad('Empty LIST pattern list');
  } else {
    patterns.push(patternFromWire(c.listMailbox(), c.utf8Names));
  }
  let returns: ListReturn = { subscribed: false, children: false, specialUse: false, status: null };
  if (c.trySpace()) {
    if (!c.tryKeyword('RETURN')) throw bad('Expected RETURN and a list of return options');
    extended = true;
    returns = returnOptions(c, statusItems);
  }
  c.end();
  return { reference, patterns, selection, returns, extended };
}
