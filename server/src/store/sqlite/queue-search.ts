// A queue search through the trigram index (migrations-queue-search.ts), planned so that it reads little
// of the index. A phrase query costs what its trigrams' lists of rows cost to walk, and in a real queue
// most trigrams of a search are common ("exa", ".ex", "ser", "@de": every row has them) while a few are
// rare ("t42", "23@"). At 1,000,000 queued, the phrase "dest42.example" walked nine lists of 1.4 million
// rows (97 ms); its rarest five characters, "st42.", take 1 ms and leave 833 candidates, each checked
// against the whole search kept beside the index (3 µs each). So: estimate each trigram's rows from the
// first few thousand (cheap), look up the run of three with the fewest, and check the candidates. A
// search whose every trigram is very common is looked up whole: its matches are dense (`example`), and
// the first ones fill the count at once.
import type { QueueState } from '../types.ts';
import { rarestTrigramRun, searchWindow, trigramsOf } from '../queue-search.ts';
import { stmt, type Db } from './open.ts';

/** Rows of a trigram read to count or estimate it (reading them costs about 0.5 ms). */
const SAMPLE_ROWS = 10_000;

/** A run of trigrams each this common is no better a start than the whole phrase. */
const COMMON_ROWS = 500_000;

/** FTS5's quoting of a phrase: double quotes inside are doubled. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** LIKE's pattern for a substring: %, _ and \ in it are plain characters (ESCAPE '\'). */
export const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Ids of messages with a recipient row matching the search (and the message in the state), at most
 * `max`, in no particular order. The search has at least three characters.
 */
export function searchQueueIndex(db: Db, search: string, state: QueueState | undefined, max: number): string[] {
  const byState = state ? 'CROSS JOIN queue_message_summary s ON s.message_id = f.message_id AND s.state = ?' : '';
  const stateParam = state ? [state] : [];
  const start = rarestTrigramRun(trigramsOf(search), rowEstimator(db), COMMON_ROWS);
  if (start === null) {
    // Short enough to look up whole, or every part common (the matches are dense): the phrase is the answer.
    return distinct(
      stmt(db, `SELECT f.message_id FROM queue_search f ${byState} WHERE queue_search MATCH ?`)
        .pluck()
        .iterate(...stateParam, phrase(search)),
      max,
    );
  }
  // (shown || '') keeps the LIKE out of FTS5, which would try to answer it itself.
  const matches = stmt(db, `SELECT f.message_id FROM queue_search f ${byState} WHERE queue_search MATCH ? AND (f.shown || '') LIKE ? ESCAPE '\\'`)
    .pluck()
    .iterate(...stateParam, phrase(searchWindow(search, start)), likePattern(search));
  return distinct(matches, max);
}

/**
 * How many index rows hold a trigram: counted up to SAMPLE_ROWS; past that, estimated from how far into
 * the keys the first SAMPLE_ROWS reached (rows are keyed by recipient id, roughly in order of arrival).
 */
function rowEstimator(db: Db): (trigram: string) => number {
  const range = stmt(db, 'SELECT (SELECT MIN(id) FROM queue_recipients) AS low, (SELECT MAX(id) FROM queue_recipients) AS high').get() as { low: number | null; high: number | null };
  const sample = stmt(db, 'SELECT COUNT(*) AS n, MAX(rowid) AS last FROM (SELECT rowid FROM queue_search WHERE queue_search MATCH ? LIMIT ?)');
  const low = range.low ?? 0;
  const span = (range.high ?? 0) - low + 1;
  return (trigram) => {
    const { n, last } = sample.get(phrase(trigram), SAMPLE_ROWS) as { n: number; last: number | null };
    if (n < SAMPLE_ROWS || last === null) return n;
    return Math.round((SAMPLE_ROWS * span) / Math.max(last - low + 1, 1));
  };
}

/**
 * The first `max` distinct ids (a message has a row per recipient). Counted here rather than with SQL's
 * DISTINCT, which builds a temporary index of them: three times the cost of the lookup itself.
 */
function distinct(ids: Iterable<unknown>, max: number): string[] {
  const seen = new Set<string>();
  for (const id of ids as Iterable<string>) {
    seen.add(id);
    if (seen.size === max) break; // leaving the loop ends the statement (iterator return)
  }
  return [...seen];
}
