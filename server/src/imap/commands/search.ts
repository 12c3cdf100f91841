// SEARCH and UID SEARCH (RFC 3501 6.4.4), with RETURN options answered by ESEARCH (RFC 4731), RETURN (SAVE)
// keeping the result as "$" (SEARCHRES, RFC 5182), and ESEARCH always once IMAP4rev2 is enabled (RFC 9051).
// Strings are compared as UTF-8 text, case-insensitively.
import { no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { esearchResponse, type SearchReturn } from '../protocol/search-return.ts';
import { search as runSearch } from '../search/evaluate.ts';
import type { SearchKey } from '../protocol/search-keys.ts';
import { enableCondstore } from './fetch.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';
import { searchScope } from './message-sources.ts';

function usesModseq(key: SearchKey): boolean {
  if (key.kind === 'modseq') return true;
  if (key.kind === 'not') return usesModseq(key.key);
  if (key.kind === 'or') return usesModseq(key.a) || usesModseq(key.b);
  if (key.kind === 'and') return key.keys.some(usesModseq);
  return false;
}

/**
 * The messages an answer names: with only MIN and/or MAX (no ALL or COUNT) the one or two returned, else every
 * match. RFC 7162 3.1.5 reports the highest MODSEQ among them, and RFC 5182 2.1 saves them for "$".
 */
function named(uids: readonly number[], returns: readonly SearchReturn[] | null): readonly number[] {
  if (uids.length === 0 || !returns || returns.includes('ALL') || returns.includes('COUNT')) return uids;
  if (!returns.includes('MIN') && !returns.includes('MAX')) return uids;
  let min = uids[0]!;
  let max = uids[0]!;
  for (const uid of uids) [min, max] = [Math.min(min, uid), Math.max(max, uid)];
  return [...(returns.includes('MIN') ? [min] : []), ...(returns.includes('MAX') ? [max] : [])];
}

/** The MODSEQ a SEARCH with a MODSEQ criterion reports; a loop, not Math.max(...), for very many matches. */
function reportedModseq(uids: readonly number[], modseqOf: (uid: number) => number): number | null {
  if (uids.length === 0) return null;
  let highest = 0;
  for (const uid of uids) highest = Math.max(highest, modseqOf(uid));
  return highest;
}

export const search: Handler<CommandOf<'SEARCH'>> = {
  states: SELECTED,
  async run(session, command, tag) {
    const selected = session.selected!;
    // IMAP4rev2 answers every SEARCH with ESEARCH (RFC 9051 6.4.4: no RETURN means RETURN (ALL)).
    const returns = command.returns ?? (session.imap4rev2 ? ['ALL'] : null);
    const saving = returns?.includes('SAVE') ?? false;
    // A SEARCH that fails leaves "$" empty (RFC 5182 2.1).
    if (saving) selected.savedResult = new Set();
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    const uids = await runSearch(command.key, searchScope(session, selected));
    const numbers = command.uid ? uids : uids.map((uid) => selected.seqOf(uid));
    if (saving) selected.savedResult = new Set(named(uids, returns));
    // A MODSEQ criterion turns CONDSTORE on, and the answer names a mod-sequence (RFC 7162 3.1.5).
    const byModseq = usesModseq(command.key);
    if (byModseq) await enableCondstore(session, selected);
    const highest = byModseq ? reportedModseq(named(uids, returns), (uid) => selected.modseqOf(uid)) : null;
    if (returns) {
      // RETURN (SAVE) alone asks for no answer at all (RFC 5182 2.1).
      if (returns.length > 1 || !saving) await session.untagged(esearchResponse(tag, command.uid, numbers, returns) + (highest !== null ? ` MODSEQ ${highest}` : ''));
    } else await session.untagged(numbers.length > 0 ? `SEARCH ${numbers.join(' ')}${highest !== null ? ` (MODSEQ ${highest})` : ''}` : 'SEARCH');
    return { text: 'SEARCH completed' };
  },
};
