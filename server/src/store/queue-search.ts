// What both stores' queue listings agree on for a search: how many matches they count exactly, and
// which searches an index of trigrams can answer.

/**
 * A search with this many matches or fewer is counted exactly and its matches sorted; one with more
 * answers "at least this many" (QueuePage.totalExact false) and the page walks the sort's index, which
 * ends as soon as the page is full. Counting every match of a broad search ("example") in a queue of a
 * million would read all of it on every page.
 */
export const QUEUE_SEARCH_COUNT_MAX = 1_000;

/** A trigram index finds a search of at least this many characters; a shorter one reads every row. */
export const TRIGRAM_LENGTH = 3;

export const hasTrigram = (search: string): boolean => [...search].length >= TRIGRAM_LENGTH;

/** The lower-cased trigrams of a search, in order (both indexes fold case the same way). */
export function trigramsOf(search: string): string[] {
  const chars = [...search.toLowerCase()];
  const out: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) out.push(chars.slice(i, i + 3).join(''));
  return out;
}

/** Trigrams looked up together: five characters, enough to be rare in any realistic queue. */
export const SEARCH_WINDOW_TRIGRAMS = 3;

/**
 * Where a search's rarest run of SEARCH_WINDOW_TRIGRAMS trigrams starts (an index into trigramsOf), or null
 * when the search is better looked up whole: it is no longer than one run, or every run is at least
 * `commonRows` rows (its matches are dense, so the first ones fill the count at once). In a real queue most
 * trigrams of a search are common ("exa", ".ex", "@de": every row has them) and a few rare ("t42", "23@"):
 * looking up the rare run and checking its candidates against the whole search reads a fraction of the
 * index. `usable` rules out runs an index cannot look up on their own.
 */
export function rarestTrigramRun(trigrams: readonly string[], rowsOf: (trigram: string) => number, commonRows: number, usable: (start: number) => boolean = () => true): number | null {
  if (trigrams.length <= SEARCH_WINDOW_TRIGRAMS) return null;
  const rows = new Map<string, number>();
  for (const t of trigrams) if (!rows.has(t)) rows.set(t, rowsOf(t));
  let best: number | null = null;
  let bestRows = Infinity;
  for (let i = 0; i + SEARCH_WINDOW_TRIGRAMS <= trigrams.length; i++) {
    if (!usable(i)) continue;
    const sum = trigrams.slice(i, i + SEARCH_WINDOW_TRIGRAMS).reduce((n, t) => n + rows.get(t)!, 0);
    if (sum < bestRows) [best, bestRows] = [i, sum];
  }
  if (best === null || trigrams.slice(best, best + SEARCH_WINDOW_TRIGRAMS).every((t) => rows.get(t)! >= commonRows)) return null;
  return best;
}

/** The characters of the run of trigrams that starts at `start` (SEARCH_WINDOW_TRIGRAMS + 2 of them). */
export const searchWindow = (search: string, start: number): string => [...search].slice(start, start + SEARCH_WINDOW_TRIGRAMS + 2).join('');
