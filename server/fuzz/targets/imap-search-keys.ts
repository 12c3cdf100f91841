// SEARCH criteria (protocol/search-keys.ts) straight from a cursor: nesting, dates, strings.
import fc from 'fast-check';
import { ImapError } from '../../src/imap/errors.ts';
import { Cursor } from '../../src/imap/protocol/cursor.ts';
import { parseSearch, type SearchKey } from '../../src/imap/protocol/search-keys.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const DICTIONARY = [
  ' ',
  ' ',
  '(',
  ')',
  '(((((((((((((((((((((((((((((',
  'NOT ',
  'OR ',
  'ALL',
  'SEEN',
  'UNSEEN',
  'KEYWORD $x',
  'FROM "a"',
  'HEADER X-A b',
  'BODY {3}\r\nabc',
  'SINCE 1-Feb-1994',
  'BEFORE "31-Dec-2024"',
  'ON 29-Feb-2023',
  'LARGER 100',
  'SMALLER 4294967296',
  'UID 1:*',
  '1,3:5',
  '*',
  'CHARSET UTF-8 ',
  'TEXT \u00e4',
];

function depth(key: SearchKey): number {
  if (key.kind === 'not') return 1 + depth(key.key);
  if (key.kind === 'or') return 1 + Math.max(depth(key.a), depth(key.b));
  if (key.kind === 'and') return 1 + Math.max(...key.keys.map(depth));
  return 1;
}

export const searchKeysTarget: FuzzTarget = {
  name: 'imap/search-keys',
  checks: 'parseSearch returns a key tree no deeper than its nesting limit (plus the top-level AND) or throws ImapError',
  property: fc.property(tokens(DICTIONARY, 40), (text) => {
    const parsed = onlyThrows(ImapError, () => parseSearch(new Cursor(toBuffer(text))));
    if (parsed instanceof Error) return true;
    // Bounded recursion: MAX_DEPTH (50) levels of keys, each at most one "and" level deep.
    return depth(parsed.key) <= 2 * 52;
  }),
};
