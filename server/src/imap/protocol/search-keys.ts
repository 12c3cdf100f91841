// SEARCH criteria (RFC 3501 section 6.4.4) as a tree the search/ evaluator walks.
import { bad } from '../errors.ts';
import type { Cursor } from './cursor.ts';
import { parseSearchDate, type Day } from './date-time.ts';
import { parseModseq } from './modseq.ts';
import { parseSequenceSet, type SequenceSet } from './sequence-set.ts';

export type SearchKey =
  | { kind: 'all' }
  | { kind: 'flag'; flag: string; present: boolean }
  | { kind: 'new' | 'old' | 'recent' }
  | { kind: 'header'; field: string; value: string }
  | { kind: 'body' | 'text'; value: string }
  | { kind: 'date'; of: 'internal' | 'sent'; op: 'before' | 'on' | 'since'; day: Day }
  | { kind: 'size'; op: 'larger' | 'smaller'; octets: number }
  | { kind: 'not'; key: SearchKey }
  | { kind: 'or'; a: SearchKey; b: SearchKey }
  | { kind: 'and'; keys: SearchKey[] }
  | { kind: 'seq' | 'uid'; set: SequenceSet }
  /** CONDSTORE (RFC 7162 3.1.5): a mod-sequence at least this (wire value); the entry name is not kept. */
  | { kind: 'modseq'; modseq: number };

const FLAG_KEYS: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  UNANSWERED: ['\\Answered', false],
  DELETED: ['\\Deleted', true],
  UNDELETED: ['\\Deleted', false],
  DRAFT: ['\\Draft', true],
  UNDRAFT: ['\\Draft', false],
  FLAGGED: ['\\Flagged', true],
  UNFLAGGED: ['\\Flagged', false],
  SEEN: ['\\Seen', true],
  UNSEEN: ['\\Seen', false],
};
const ADDRESS_KEYS: Record<string, string> = { BCC: 'bcc', CC: 'cc', FROM: 'from', TO: 'to', SUBJECT: 'subject' };
const DATE_KEYS: Record<string, [of: 'internal' | 'sent', op: 'before' | 'on' | 'since']> = {
  BEFORE: ['internal', 'before'],
  ON: ['internal', 'on'],
  SINCE: ['internal', 'since'],
  SENTBEFORE: ['sent', 'before'],
  SENTON: ['sent', 'on'],
  SENTSINCE: ['sent', 'since'],
};
const MAX_DEPTH = 50;

export const SEARCH_CHARSETS = ['US-ASCII', 'UTF-8'];

function date(c: Cursor): Day {
  const raw = c.peek() === 0x22 ? c.quoted().toString('latin1') : c.token('a date');
  return parseSearchDate(raw);
}

function key(c: Cursor, depth: number): SearchKey {
  if (depth > MAX_DEPTH) throw bad('Search criteria nested too deeply');
  if (c.tryChar('(')) {
    const keys = [key(c, depth + 1)];
    while (!c.tryChar(')')) {
      c.space();
      keys.push(key(c, depth + 1));
    }
    return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
  }
  const b = c.peek();
  if ((b >= 0x30 && b <= 0x39) || b === 0x2a || b === 0x24) return { kind: 'seq', set: parseSequenceSet(c.token('a sequence set')) };
  const word = c.atom('a search key').toUpperCase();
  const arg = () => {
    c.space();
    return c.astring().toString('utf8');
  };
  if (word === 'ALL') return { kind: 'all' };
  if (word === 'NEW' || word === 'OLD' || word === 'RECENT') return { kind: word.toLowerCase() as 'new' };
  const flag = FLAG_KEYS[word];
  if (flag) return { kind: 'flag', flag: flag[0], present: flag[1] };
  if (word === 'KEYWORD' || word === 'UNKEYWORD') {
    c.space();
    return { kind: 'flag', flag: c.atom('a keyword'), present: word === 'KEYWORD' };
  }
  const field = ADDRESS_KEYS[word];
  if (field) return { kind: 'header', field, value: arg() };
  if (word === 'HEADER') {
    c.space();
    const name = c.astring('a header field name').toString('latin1').toLowerCase();
    return { kind: 'header', field: name, value: arg() };
  }
  if (word === 'BODY' || word === 'TEXT') return { kind: word.toLowerCase() as 'body', value: arg() };
  const when = DATE_KEYS[word];
  if (when) {
    c.space();
    return { kind: 'date', of: when[0], op: when[1], day: date(c) };
  }
  if (word === 'LARGER' || word === 'SMALLER') {
    c.space();
    return { kind: 'size', op: word.toLowerCase() as 'larger', octets: c.number('a size') };
  }
  if (word === 'NOT') {
    c.space();
    return { kind: 'not', key: key(c, depth + 1) };
  }
  if (word === 'OR') {
    c.space();
    const a = key(c, depth + 1);
    c.space();
    return { kind: 'or', a, b: key(c, depth + 1) };
  }
  if (word === 'MODSEQ') {
    c.space();
    // [entry-name entry-type-req]: per-flag mod-sequences are not kept apart, so the message's own is used.
    if (c.peek() === 0x22) {
      c.quoted();
      c.space();
      const type = c.atom('priv, shared or all').toLowerCase();
      if (!['priv', 'shared', 'all'].includes(type)) throw bad('Expected priv, shared or all');
      c.space();
    }
    return { kind: 'modseq', modseq: parseModseq(c.atom('a mod-sequence')) };
  }
  if (word === 'UID') {
    c.space();
    return { kind: 'uid', set: parseSequenceSet(c.token('a UID set')) };
  }
  throw bad(`Unknown search key "${word.slice(0, 30)}"`);
}

/** [CHARSET name SP] key *(SP key); the charset is returned upper-cased (checked by the command). */
export function parseSearch(c: Cursor): { charset: string; key: SearchKey } {
  let charset = 'US-ASCII';
  const start = c.pos;
  if (c.tryKeyword('CHARSET')) {
    c.space();
    charset = c.astring('a charset').toString('latin1').toUpperCase();
    c.space();
  } else {
    c.pos = start;
  }
  const keys = [key(c, 0)];
  while (c.trySpace()) keys.push(key(c, 0));
  c.end();
  return { charset, key: keys.length === 1 ? keys[0]! : { kind: 'and', keys } };
}
