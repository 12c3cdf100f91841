import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { patternMatcher } from './list-pattern.ts';

/**
 * The matcher LIST used before: a RegExp, exact but exponential on some patterns. Kept here as the
 * reference the property test compares against, on inputs short enough for it.
 */
function regexpMatcher(reference: string, pattern: string): (name: string) => boolean {
  let full = reference + pattern;
  const first = full.split('/', 1)[0]!;
  if (first.toUpperCase() === 'INBOX') full = 'INBOX' + full.slice(first.length);
  const source = [...full].map((ch) => (ch === '*' ? '.*' : ch === '%' ? '[^/]*' : ch.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  const re = new RegExp(`^${source}$`, 'su');
  return (name) => re.test(name);
}

// Pieces that exercise the delimiter, INBOX in several spellings, regex metacharacters and characters
// outside the BMP (one code point, two UTF-16 units).
const namePiece = fc.constantFrom('a', 'b', '/', 'INBOX', 'x.y', '😀', 'é');
const patternPiece = fc.constantFrom('a', 'b', '/', 'inbox', 'INBOX', 'InBoX', '.', '😀', 'é', '*', '%');
const joined = (piece: fc.Arbitrary<string>, max: number) => fc.array(piece, { maxLength: max }).map((p) => p.join(''));
const wildcards = (s: string) => [...s].filter((c) => c === '*' || c === '%').length;

describe('LIST pattern matcher', () => {
  it('agrees with the RegExp it replaced on short inputs with few wildcards', () => {
    fc.assert(
      fc.property(joined(patternPiece, 3), joined(patternPiece, 8), joined(namePiece, 10), (reference, pattern, name) => {
        fc.pre(wildcards(reference + pattern) <= 6);
        expect(patternMatcher(reference, pattern)(name)).toBe(regexpMatcher(reference, pattern)(name));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with it on patterns made from the name, where most inputs match', () => {
    // A name, and a pattern from it with some pieces kept, some turned into wildcards, some lower-cased.
    const edit = fc.constantFrom('keep', 'keep', 'lower', '*', '%', '*%');
    fc.assert(
      fc.property(fc.array(fc.tuple(namePiece, edit), { maxLength: 8 }), (pieces) => {
        const name = pieces.map(([p]) => p).join('');
        const pattern = pieces.map(([p, e]) => (e === 'keep' ? p : e === 'lower' ? p.toLowerCase() : e)).join('');
        fc.pre(wildcards(pattern) <= 6);
        expect(patternMatcher('', pattern)(name)).toBe(regexpMatcher('', pattern)(name));
      }),
      { numRuns: 3000 },
    );
  });

  it('"*" crosses the delimiter and "%" does not', () => {
    const names = ['Archive', 'Archive/2024', 'Archive/2024/Q1', 'Other'];
    expect(names.filter(patternMatcher('', 'Archive*'))).toEqual(['Archive', 'Archive/2024', 'Archive/2024/Q1']);
    expect(names.filter(patternMatcher('', 'Archive%'))).toEqual(['Archive']);
    expect(names.filter(patternMatcher('Archive/', '%'))).toEqual(['Archive/2024']);
    expect(names.filter(patternMatcher('', '%/%/Q%'))).toEqual(['Archive/2024/Q1']);
    expect(names.filter(patternMatcher('', '*%*'))).toEqual(names);
  });

  it('matches INBOX in any case as the first level only', () => {
    expect(patternMatcher('', 'inbox/%')('INBOX/Sub')).toBe(true);
    expect(patternMatcher('', 'Sub/inbox')('Sub/INBOX')).toBe(false);
    expect(patternMatcher('', 'Sub/INBOX')('Sub/INBOX')).toBe(true);
  });

  it('answers the attack patterns (alternating wildcards, long names) with one pass per name', () => {
    // Before: exponential in the number of "%*" pairs; 4 pairs against a 250-character name ran for minutes.
    const long = 'a'.repeat(250);
    const attack = patternMatcher('', `${'%*'.repeat(5000)}Z`);
    expect(attack(long)).toBe(false);
    expect(attack(`${long}Z`)).toBe(true);
    const interleaved = patternMatcher('', `${'a%'.repeat(120)}b`);
    expect(interleaved(long)).toBe(false);
    expect(interleaved(`${'a/'.repeat(10)}${long}b`)).toBe(false);
    expect(interleaved(`${long}b`)).toBe(true);
  });
});
