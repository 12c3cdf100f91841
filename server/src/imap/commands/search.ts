// SEARCH and UID SEARCH (RFC 3501 6.4.4), with RETURN options answered by ESEARCH (RFC 4731). Strings are
// compared as UTF-8 text, case-insensitively.
import { no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { esearchResponse } from '../protocol/search-return.ts';
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

export const search: Handler<CommandOf<'SEARCH'>> = {
  states: SELECTED,
  async run(session, command, tag) {
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    const selected = session.selected!;
    const uids = await runSearch(command.key, { selected, readMail: (id) => session.store.readMail(id) });
    const numbers = command.uid ? uids : uids.map((uid) => selected.seqOf(uid));
    // A MODSEQ criterion turns CONDSTORE on, and the answer names the highest mod-sequence found (RFC 7162 3.1.5).
    const byModseq = usesModseq(command.key);
    if (byModseq) enableCondstore(session, selected);
    const highest = byModseq && uids.length > 0 ? Math.max(...uids.map((uid) => selected.modseqOf(uid))) : null;
    if (command.returns) await session.untagged(esearchResponse(tag, command.uid, numbers, command.returns) + (highest !== null ? ` MODSEQ ${highest}` : ''));
    else await session.untagged(numbers.length > 0 ? `SEARCH ${numbers.join(' ')}${highest !== null ? ` (MODSEQ ${highest})` : ''}` : 'SEARCH');
    return { text: 'SEARCH completed' };
  },
};
