// Whether a bearer token could be guessed, judged by its shape alone: length, variety, repetition. A
// token from `openssl rand -hex 32` (64 characters, 16 distinct) passes; a password-like word, a short
// value or a repeated pattern does not. The reason names counts only, never a character of the token.

export const MIN_TOKEN_LENGTH = 32;
/** Fewer different characters than this is low variety (hex has 16; base64 has 64). */
export const MIN_DISTINCT_CHARACTERS = 10;

/** Why the token is weak, or null when it is not. */
export function tokenWeakness(token: string): string | null {
  const chars = [...token];
  if (chars.length < MIN_TOKEN_LENGTH) return `${chars.length} characters, fewer than ${MIN_TOKEN_LENGTH}`;
  const distinct = new Set(chars).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `only ${distinct} different characters`;
  if (repeatsAShorterPattern(chars)) return 'a short pattern repeated';
  return null;
}

/** True when the token is some shorter run of characters written out again and again (abcd1234abcd1234...). */
function repeatsAShorterPattern(chars: string[]): boolean {
  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((c, i) => c === chars[i % period])) return true;
  }
  return false;
}
