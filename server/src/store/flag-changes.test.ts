import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyFlags, checkKeywordLimit, maxKeywordsPerMessage, setMaxKeywordsPerMessage } from './flag-changes.ts';
import { MAX_KEYWORDS_PER_MESSAGE, MailboxError, type FlagOperation } from './mailbox-store.ts';

/** The quadratic version STORE used before: the reference for what the result must be. */
function reference(current: string[], op: FlagOperation, flags: readonly string[]): string[] {
  const has = (list: readonly string[], f: string) => list.some((x) => x.toLowerCase() === f.toLowerCase());
  if (op === 'replace') return flags.filter((f, i) => !has(flags.slice(0, i), f));
  if (op === 'remove') return current.filter((f) => !has(flags, f));
  const out = [...current];
  for (const f of flags) if (!has(out, f)) out.push(f);
  return out;
}

// Few distinct spellings, so the same flag in another case and repeats come up often.
const flag = fc.constantFrom('\\Seen', '\\seen', '\\Deleted', '$Label1', '$label1', 'Work', 'WORK', 'todo', 'ß', 'SS');
const unique = (flags: string[]) => flags.filter((f, i) => !flags.slice(0, i).some((x) => x.toLowerCase() === f.toLowerCase()));
const op = fc.constantFrom<FlagOperation>('add', 'remove', 'replace');

describe('flag changes', () => {
  it('give the same flags, in the same order and spelling, as the quadratic version', () => {
    fc.assert(
      fc.property(fc.array(flag, { maxLength: 8 }).map(unique), op, fc.array(flag, { maxLength: 12 }), (current, operation, flags) => {
        const next = applyFlags(current, operation, flags);
        expect(next).toEqual(reference(current, operation, flags));
        // And never the same flag twice.
        expect(new Set(next.map((f) => f.toLowerCase())).size).toBe(next.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('handle thousands of keywords', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
    expect(applyFlags(many.slice(0, 10_000), 'add', many)).toEqual(many);
    expect(
      applyFlags(
        many,
        'remove',
        many.slice(10_000).map((f) => f.toUpperCase()),
      ),
    ).toEqual(many.slice(0, 10_000));
    expect(applyFlags([], 'replace', [...many, ...many])).toEqual(many);
  });

  it(`refuse more than ${MAX_KEYWORDS_PER_MESSAGE} keywords on a message, but never a change that adds none`, () => {
    const keywords = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
    expect(() => checkKeywordLimit([], ['\\Seen', ...keywords(MAX_KEYWORDS_PER_MESSAGE)])).not.toThrow();
    expect(() => checkKeywordLimit([], keywords(MAX_KEYWORDS_PER_MESSAGE + 1))).toThrow(MailboxError);
    expect(() => checkKeywordLimit(keywords(MAX_KEYWORDS_PER_MESSAGE + 5), keywords(MAX_KEYWORDS_PER_MESSAGE + 2))).not.toThrow();
  });

  it('take the cap from limits.max_keywords_per_message when it is set', () => {
    const keywords = (n: number) => Array.from({ length: n }, (_, i) => `k${i}`);
    try {
      setMaxKeywordsPerMessage(3);
      expect(maxKeywordsPerMessage()).toBe(3);
      expect(() => checkKeywordLimit([], keywords(3))).not.toThrow();
      expect(() => checkKeywordLimit([], keywords(4))).toThrow('a message may carry at most 3 keywords');
      setMaxKeywordsPerMessage(500);
      expect(() => checkKeywordLimit([], keywords(500))).not.toThrow();
      expect(() => setMaxKeywordsPerMessage(0)).toThrow(RangeError);
    } finally {
      setMaxKeywordsPerMessage(MAX_KEYWORDS_PER_MESSAGE);
    }
  });
});
