// Sequence sets (protocol/sequence-set.ts): random text, and formatSet's output read back.
import fc from 'fast-check';
import { ImapError } from '../../src/imap/errors.ts';
import { formatSet, matcher, parseSequenceSet } from '../../src/imap/protocol/sequence-set.ts';
import { tokens } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const setText = tokens(['1', '2', '9', '0', '*', ':', ',', '4294967295', '4294967296', '01', '-1', ' '], 16);
const ascending = fc.uniqueArray(fc.integer({ min: 1, max: 0xffffffff }), { maxLength: 30 }).map((a) => a.sort((x, y) => x - y));

export const sequenceSetTarget: FuzzTarget = {
  name: 'imap/sequence-set',
  checks: 'random text parses to at most one range per comma or throws ImapError; formatSet then parseSequenceSet names exactly the numbers formatted',
  property: fc.property(setText, ascending, fc.integer({ min: 0, max: 0xffffffff }), (text, numbers, probe) => {
    const set = onlyThrows(ImapError, () => parseSequenceSet(text));
    if (!(set instanceof Error) && set.length > text.split(',').length) throw new Error('more ranges than parts');
    if (numbers.length === 0) return true;
    const has = matcher(parseSequenceSet(formatSet(numbers)), numbers.at(-1)!);
    for (const n of numbers) if (!has(n)) throw new Error(`${n} lost by format and parse`);
    return has(probe) === numbers.includes(probe);
  }),
};
