// SORT and THREAD arguments (RFC 5256): `SORT [RETURN (MIN COUNT)] (REVERSE DATE SUBJECT) UTF-8 <search keys>` and
// `THREAD REFERENCES UTF-8 <search keys>`. The charset is required; the command checks it.
import { bad } from '../errors.ts';
import type { Cursor } from './cursor.ts';
import { parseSearch, type SearchKey } from './search-keys.ts';
import { parseSearchReturn, type SearchReturn } from './search-return.ts';

export type SortKey = 'ARRIVAL' | 'CC' | 'DATE' | 'FROM' | 'SIZE' | 'SUBJECT' | 'TO';
export interface SortCriterion {
  key: SortKey;
  reverse: boolean;
}
export type ThreadAlgorithm = 'ORDEREDSUBJECT' | 'REFERENCES';

const SORT_KEYS: readonly SortKey[] = ['ARRIVAL', 'CC', 'DATE', 'FROM', 'SIZE', 'SUBJECT', 'TO'];
export const THREAD_ALGORITHMS: readonly ThreadAlgorithm[] = ['ORDEREDSUBJECT', 'REFERENCES'];

function charsetAndKeys(c: Cursor): { charset: string; key: SearchKey } {
  c.space();
  const charset = c.astring('a charset').toString('latin1').toUpperCase();
  c.space();
  return { charset, key: parseSearch(c).key };
}

/** `SORT [RETURN (...)] (criteria) charset keys`: RETURN is ESORT's (RFC 5267 3.2), the options of ESEARCH. */
export function parseSort(c: Cursor): { returns: SearchReturn[] | null; criteria: SortCriterion[]; charset: string; key: SearchKey } {
  c.space();
  const returns = parseSearchReturn(c);
  c.char('(', 'a list of sort criteria');
  const criteria: SortCriterion[] = [];
  let reverse = false;
  while (!c.tryChar(')')) {
    if (criteria.length > 0 || reverse) c.space();
    const word = c.atom('a sort criterion').toUpperCase();
    if (word === 'REVERSE') {
      if (reverse) throw bad('REVERSE must be followed by a sort key');
      reverse = true;
      continue;
    }
    if (!SORT_KEYS.includes(word as SortKey)) throw bad(`Unknown sort key "${word.slice(0, 30)}"`);
    criteria.push({ key: word as SortKey, reverse });
    reverse = false;
  }
  if (reverse || criteria.length === 0) throw bad('Expected a sort key');
  return { returns, criteria, ...charsetAndKeys(c) };
}

export function parseThread(c: Cursor): { algorithm: ThreadAlgorithm; charset: string; key: SearchKey } {
  c.space();
  const algorithm = c.atom('a threading algorithm').toUpperCase();
  if (!THREAD_ALGORITHMS.includes(algorithm as ThreadAlgorithm)) throw bad(`Unknown threading algorithm "${algorithm.slice(0, 30)}"`);
  return { algorithm: algorithm as ThreadAlgorithm, ...charsetAndKeys(c) };
}
