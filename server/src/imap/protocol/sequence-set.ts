// Sequence sets (RFC 3501 section 9: "1:4,7,10:*"). "*" is the largest number in use: the message
// count for sequence numbers, the highest UID for UIDs. A range covers everything between its ends,
// whichever order they are written in.
import { bad } from '../errors.ts';

export type SeqNumber = number | '*';
export type SequenceSet = ReadonlyArray<readonly [SeqNumber, SeqNumber]>;

/**
 * "$" (SEARCHRES, RFC 5182): the UIDs the session's last SEARCH RETURN (SAVE) kept, wherever a sequence set
 * may stand; compared by identity, resolved by the selected mailbox (selected-mailbox.ts).
 */
export const SAVED_RESULT: SequenceSet = Object.freeze([]);

const MAX = 0xffffffff;

function seqNumber(text: string): SeqNumber {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX) throw bad(`Invalid number "${text.slice(0, 20)}" in sequence set`);
  return Number(text);
}

export function parseSequenceSet(text: string): SequenceSet {
  if (text === '') throw bad('Empty sequence set');
  if (text === '$') return SAVED_RESULT;
  return text.split(',').map((part) => {
    const [a, b, extra] = part.split(':');
    if (extra !== undefined || a === undefined) throw bad('Invalid sequence set');
    const first = seqNumber(a);
    return [first, b === undefined ? first : seqNumber(b)] as const;
  });
}

/** The highest number the set names, with "*" as star (to check it against the message count). */
export function highest(set: SequenceSet, star: number): number {
  let max = 0;
  for (const [a, b] of set) max = Math.max(max, a === '*' ? star : a, b === '*' ? star : b);
  return max;
}

/** A membership test for the set, with "*" meaning star. */
export function matcher(set: SequenceSet, star: number): (n: number) => boolean {
  const ranges = set.map(([a, b]) => {
    const x = a === '*' ? star : a;
    const y = b === '*' ? star : b;
    return [Math.min(x, y), Math.max(x, y)] as const;
  });
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

/** Compact form of ascending numbers for COPYUID and APPENDUID: "3:5,9". */
export function formatSet(numbers: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j]! + 1) j++;
    out.push(j === i ? `${numbers[i]}` : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return out.join(',');
}
