// Inputs shaped like what a parser expects, broken at random: runs of tokens from a dictionary of the
// grammar's own pieces mixed with arbitrary bytes. Purely random bytes rarely get past the first check
// of a parser; a dictionary gets the fuzzer into the deep branches (as libFuzzer's -dict does).
import fc from 'fast-check';

/** Any bytes, as a latin1 string (one char per byte). */
export const anyBytes = (maxLength = 64): fc.Arbitrary<string> => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b).toString('latin1'));

/** Printable ASCII, the alphabet most tokens are made of. */
export const printable = (maxLength = 16): fc.Arbitrary<string> => fc.string({ unit: 'grapheme-ascii', maxLength });

/** Dictionary tokens, printable text and raw bytes, concatenated. */
export function tokens(dictionary: readonly string[], maxTokens = 24): fc.Arbitrary<string> {
  const token = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...dictionary) }, { weight: 2, arbitrary: printable(8) }, { weight: 1, arbitrary: anyBytes(8) });
  return fc.array(token, { maxLength: maxTokens }).map((parts) => parts.join(''));
}

export const toBuffer = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');
