// LIST and LSUB patterns (RFC 3501 6.3.8): "*" matches any run of characters, the hierarchy delimiter
// included; "%" any run without it; every other character itself. INBOX as the first level matches in
// any case, as the name itself does.
//
// A client chooses the pattern, so matching must cost at most pattern length x name length, whatever it
// sends. A RegExp backtracks: "%*%*...%*Z" doubled its time with every pair and froze the process. This
// follows every pattern position at once (a Thompson NFA over a boolean array), one step per character
// of the name, so it never goes back.
import { MAILBOX_DELIMITER } from '../store/mailbox-store.ts';

const isWildcard = (token: string) => token === '*' || token === '%';

/** INBOX as the first level of a pattern matches case-insensitively, as the name itself does. */
function canonicalPattern(pattern: string): string {
  const first = pattern.split(MAILBOX_DELIMITER, 1)[0]!;
  return first.toUpperCase() === 'INBOX' ? 'INBOX' + pattern.slice(first.length) : pattern;
}

/**
 * The pattern as code points, each run of wildcards made one: a run with a "*" in it matches exactly
 * what "*" matches, a run of "%" what one "%" matches. So no two wildcards are ever next to each other.
 */
function tokenize(pattern: string): string[] {
  const tokens: string[] = [];
  for (const ch of pattern) {
    const last = tokens[tokens.length - 1];
    if (isWildcard(ch) && last !== undefined && isWildcard(last)) tokens[tokens.length - 1] = ch === '*' || last === '*' ? '*' : '%';
    else tokens.push(ch);
  }
  return tokens;
}

/** A test for mailbox names: `reference` and `pattern` as LIST takes them (wildcards in both count). */
export function patternMatcher(reference: string, pattern: string): (name: string) => boolean {
  const tokens = tokenize(canonicalPattern(reference + pattern));
  const end = tokens.length;
  const literals = tokens.filter((t) => !isWildcard(t)).length;
  // active[j]: the name read so far can be matched by tokens[0..j). Two arrays, swapped each step.
  let active = new Uint8Array(end + 1);
  let next = new Uint8Array(end + 1);
  // Entering a wildcard also enters the position after it: the wildcard may match nothing.
  const enter = (set: Uint8Array, j: number) => {
    set[j] = 1;
    if (j < end && isWildcard(tokens[j]!)) set[j + 1] = 1;
  };

  return (name) => {
    const chars = [...name];
    // Every literal consumes exactly one character.
    if (chars.length < literals) return false;
    active.fill(0);
    enter(active, 0);
    for (const ch of chars) {
      next.fill(0);
      let alive = false;
      for (let j = 0; j < end; j++) {
        if (active[j] === 0) continue;
        const token = tokens[j]!;
        if (token === '*' || (token === '%' && ch !== MAILBOX_DELIMITER)) enter(next, j);
        else if (token === ch) enter(next, j + 1);
        else continue;
        alive = true;
      }
      if (!alive) return false;
      [active, next] = [next, active];
    }
    return active[end] === 1;
  };
}
