import { describe, expect, it } from 'vitest';
import { logqlRegex, logqlString, regexLiteral } from './logqlEscape';

// What Loki does with a "..." literal: Go's strconv.Unquote, which JSON.parse matches for these escapes.
const unquote = (body: string) => JSON.parse(`"${body}"`) as string;

describe('logqlString', () => {
  it('escapes backslash and double quote so the literal stands for the text', () => {
    const text = 'say "hi" to C:\\mail\\in .* now';
    const body = logqlString(text);
    expect(body).toBe('say \\"hi\\" to C:\\\\mail\\\\in .* now');
    expect(unquote(body)).toBe(text);
  });

  it('leaves regex metacharacters alone (|= is a plain substring match)', () => {
    expect(logqlString('a.*b')).toBe('a.*b');
  });

  it('writes newlines and tabs as escapes (a raw one is not allowed in the literal)', () => {
    expect(logqlString('a\nb\tc\rd')).toBe('a\\nb\\tc\\rd');
    expect(unquote(logqlString('a\nb\tc\rd'))).toBe('a\nb\tc\rd');
  });
});

describe('logqlRegex', () => {
  it('escapes the regex metacharacters, then the string', () => {
    const text = 'x "q" \\ .* (a|b) [c] {2} ^$+?';
    const body = logqlRegex(text);
    expect(body).toBe('x \\"q\\" \\\\\\\\ \\\\.\\\\* \\\\(a\\\\|b\\\\) \\\\[c\\\\] \\\\{2\\\\} \\\\^\\\\$\\\\+\\\\?');
    // After Loki unquotes it, the regex matches the text itself and nothing the metacharacters would allow.
    const re = new RegExp(`^${unquote(body)}$`);
    expect(re.test(text)).toBe(true);
    expect(re.test('x "q" \\ anything (a|b) [c] {2} ^$+?')).toBe(false);
  });

  it('regexLiteral alone makes `.*` literal', () => {
    expect(new RegExp(regexLiteral('.*')).test('abc')).toBe(false);
    expect(new RegExp(regexLiteral('.*')).test('a.*b')).toBe(true);
  });
});
