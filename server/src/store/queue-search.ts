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
