// SEARCH and UID SEARCH (RFC 3501 6.4.4), with RETURN options answered by ESEARCH (RFC 4731). Strings are
// compared as UTF-8 text, case-insensitively.
import { no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { esearchResponse, type SearchReturn } from '../protocol/search-return.ts';
import { search as runSearch } from '../search/evaluate.ts';
import type { SearchKey } from '../protocol/search-keys.ts';
import { enableCondstore } from './fetch.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

function usesModseq(key: SearchKey): boolean {
  if (key.kind === 'modseq') return true;
  if (key.kind === 'not') return usesModseq(key.key);
  if (key.kind === 'or') return usesModseq(key.a) || usesModseq(key.b);
  if (key.kind === 'and') return key.keys.some(usesModseq);
  return false;
}

/**
 * The MODSEQ a SEARCH with a MODSEQ criterion reports (RFC 7162 3.1.5, RFC 4731 3.2): the highest
 * mod-sequence of the messages the answer names. With only MIN and/or MAX those are the one or two
 * messages returned, not every match; plain SEARCH, ALL and COUNT name them all.
 */
function reportedModseq(uids: readonly number[], returns: readonly SearchReturn[] | null, modseqOf: (uid: number) => number): number | null {
  if (uids.length === 0) return null;
  let named: readonly number[] = uids;
  if (returns && !returns.includes('ALL') && !returns.includes('COUNT')) {
    let min = uids[0]!;
    let max = uids[0]!;
    for (const uid of uids) [min, max] = [Math.min(min, uid), Math.max(max, uid)];
    named = [...(returns.includes('MIN') ? [min] : []), ...(returns.includes('MAX') ? [max] : [])];
  }
  // A loop, not Math.max(...): a match of some hundred thousand messages must not overflow the stack.
  let highest = 0;
  for (const uid of named) highest = Math.max(highest, modseqOf(uid));
  return highest;
}

export const search: Handler<CommandOf<'SEARCH'>> = {
  states: SELECTED,
  async run(session, command, tag) {
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    const selected = session.selected!;
    const uids = await runSearch(command.key, { selected, readMail: (id) => session.store.readMail(id) });
    const numbers = command.uid ? uids : uids.map((uid) => selected.seqOf(uid));
    // A MODSEQ criterion turns CONDSTORE on, and the answer names a mod-sequence (RFC 7162 3.1.5).
    const byModseq = usesModseq(command.key);
    if (byModseq) await enableCondstore(session, selected);
    const highest = byModseq ? reportedModseq(uids, command.returns, (uid) => selected.modseqOf(uid)) : null;
    if (command.returns) await session.untagged(esearchResponse(tag, command.uid, numbers, command.returns) + (highest !== null ? ` MODSEQ ${highest}` : ''));
    else await session.untagged(numbers.length > 0 ? `SEARCH ${numbers.join(' ')}${highest !== null ? ` (MODSEQ ${highest})` : ''}` : 'SEARCH');
    return { text: 'SEARCH completed' };
  },
};
