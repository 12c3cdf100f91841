// ESEARCH (RFC 4731): the RETURN options of SEARCH and the `* ESEARCH` response they ask for.
import { bad } from '../errors.ts';
import type { Cursor } from './cursor.ts';

/** SAVE is SEARCHRES's (RFC 5182): keep the result as "$" for later commands. */
export type SearchReturn = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';
const OPTIONS: readonly SearchReturn[] = ['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE'];

/** `RETURN (MIN MAX ...) ` before the criteria, or null when absent. `RETURN ()` means ALL (RFC 4731 3.1). */
export function parseSearchReturn(c: Cursor): SearchReturn[] | null {
  if (!c.tryKeyword('RETURN')) return null;
  c.space();
  c.char('(');
  const options = new Set<SearchReturn>();
  while (!c.tryChar(')')) {
    if (options.size > 0) c.space();
    const word = c.atom('a RETURN option').toUpperCase();
    if (!OPTIONS.includes(word as SearchReturn)) throw bad(`Unknown SEARCH RETURN option ${word.slice(0, 20)}`);
    options.add(word as SearchReturn);
  }
  c.space();
  return options.size === 0 ? ['ALL'] : [...options];
}

/** Numbers as a compact sequence set, in the order given: runs that ascend by one become ranges (1:3,5). */
function compact(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    parts.push(j > i ? `${numbers[i]}:${numbers[j]}` : String(numbers[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** The ESEARCH line for numbers in the order the answer ranks them: MIN is the first, MAX the last. */
function resultLine(tag: string, uid: boolean, ordered: readonly number[], options: readonly SearchReturn[]): string {
  const items: string[] = [];
  if (options.includes('MIN') && ordered.length > 0) items.push(`MIN ${ordered[0]}`);
  if (options.includes('MAX') && ordered.length > 0) items.push(`MAX ${ordered[ordered.length - 1]}`);
  if (options.includes('ALL') && ordered.length > 0) items.push(`ALL ${compact(ordered)}`);
  if (options.includes('COUNT')) items.push(`COUNT ${ordered.length}`);
  const quoted = `"${tag.replace(/["\\]/g, (ch) => `\\${ch}`)}"`;
  return [`ESEARCH (TAG ${quoted})`, ...(uid ? ['UID'] : []), ...items].join(' ');
}

/** The untagged ESEARCH line (without "* "); an option with nothing to report is left out (RFC 4731 3.1). */
export function esearchResponse(tag: string, uid: boolean, numbers: readonly number[], options: readonly SearchReturn[]): string {
  return resultLine(
    tag,
    uid,
    [...numbers].sort((a, b) => a - b),
    options,
  );
}

/**
 * ESORT (RFC 5267 3.2): SORT RETURN answers with the same line, ranked by the sort: MIN is the first sorted
 * message, MAX the last, and ALL lists every match in sort order (ranges only where numbers ascend by one,
 * so no reader can lose the order).
 */
export function esortResponse(tag: string, uid: boolean, sorted: readonly number[], options: readonly SearchReturn[]): string {
  return resultLine(tag, uid, sorted, options);
}
