// SORT and UID SORT (RFC 5256): the matching messages ordered by the criteria, as sequence numbers or UIDs;
// with RETURN options (ESORT, RFC 5267) an ESEARCH response ranked by the sort instead.
import { bad, no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { esortResponse } from '../protocol/search-return.ts';
import { matchingFacts } from '../search/matching-facts.ts';
import { batchHeaders, searchScope } from './message-sources.ts';
import { sortMessages } from '../search/sort.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const sort: Handler<CommandOf<'SORT'>> = {
  states: SELECTED,
  async run(session, command, tag) {
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    // SAVE is SEARCH's (RFC 5182); saving a sorted result is CONTEXT=SORT's, not offered.
    if (command.returns?.includes('SAVE')) throw bad('SORT RETURN (SAVE) is not supported; use SEARCH RETURN (SAVE)');
    const selected = session.selected!;
    const facts = await matchingFacts(command.key, searchScope(session, selected), batchHeaders(session, selected));
    const numbers = sortMessages(facts, command.criteria).map((m) => (command.uid ? m.uid : m.seq));
    if (command.returns) await session.untagged(esortResponse(tag, command.uid, numbers, command.returns));
    else await session.untagged(numbers.length > 0 ? `SORT ${numbers.join(' ')}` : 'SORT');
    return { text: 'SORT completed' };
  },
};
