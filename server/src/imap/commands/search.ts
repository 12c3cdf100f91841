// SEARCH and UID SEARCH (RFC 3501 6.4.4), with RETURN options answered by ESEARCH (RFC 4731). Strings are
// compared as UTF-8 text, case-insensitively.
import { no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { esearchResponse } from '../protocol/search-return.ts';
import { search as runSearch } from '../search/evaluate.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const search: Handler<CommandOf<'SEARCH'>> = {
  states: SELECTED,
  async run(session, command, tag) {
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    const selected = session.selected!;
    const uids = await runSearch(command.key, { selected, readMail: (id) => session.store.readMail(id) });
    const numbers = command.uid ? uids : uids.map((uid) => selected.seqOf(uid));
    if (command.returns) await session.untagged(esearchResponse(tag, command.uid, numbers, command.returns));
    else await session.untagged(numbers.length > 0 ? `SEARCH ${numbers.join(' ')}` : 'SEARCH');
    return { text: 'SEARCH completed' };
  },
};
