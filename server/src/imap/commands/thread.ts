// THREAD and UID THREAD (RFC 5256): the matching messages as threads, by ORDEREDSUBJECT or REFERENCES.
import { no } from '../errors.ts';
import { SEARCH_CHARSETS } from '../protocol/search-keys.ts';
import { matchingFacts } from '../search/matching-facts.ts';
import { batchHeaders, searchScope } from './message-sources.ts';
import { formatThreads, thread as threadMessages } from '../search/thread.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const thread: Handler<CommandOf<'THREAD'>> = {
  states: SELECTED,
  async run(session, command) {
    if (!SEARCH_CHARSETS.includes(command.charset)) throw no(`Charset ${command.charset.slice(0, 30)} is not supported`, `BADCHARSET (${SEARCH_CHARSETS.join(' ')})`);
    const selected = session.selected!;
    const facts = await matchingFacts(command.key, searchScope(session, selected), batchHeaders(session, selected));
    const threads = threadMessages(command.algorithm, facts);
    const body = formatThreads(threads, (m) => (command.uid ? m.uid : m.seq));
    await session.untagged(body === '' ? 'THREAD' : `THREAD ${body}`);
    return { text: 'THREAD completed' };
  },
};
