// Where SEARCH, SORT and THREAD read message headers, and the hand-over that keeps them readable for a
// message expunged by one session while another still lists it (RFC 3501 7.4.1 lets a session keep
// listing it until an EXPUNGE may be sent, and SEARCH must still match it by its header; the store has
// deleted it by then). The expunging session reads the headers before the store deletes the mail and
// leaves them with the node's shared view of the mailbox (mailbox-view.ts), which keeps them until every
// session has announced the removal. Sessions on other nodes are not covered: there such a message
// matches no header key until it is announced.
import { parseMessage } from '../mime/part.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import { FACTS_VERSION, headerOf, headersOf } from '../stored-facts.ts';
import type { SearchScope } from '../search/evaluate.ts';
import type { HeadersOf } from '../search/matching-facts.ts';
import type { ImapContext } from './context.ts';

/** Messages without kept facts whose header an expunge reads from the message itself, at most. */
const MAX_PARSED_BEFORE_EXPUNGE = 1_000;

/** The search scope of the selected mailbox: kept headers, departed ones included. */
export function searchScope(session: ImapContext, selected: SelectedMailbox): SearchScope {
  return {
    selected,
    readMail: (id) => session.store.readMail(id),
    readHeader: async (id) => selected.departedHeader(id) ?? headerOf(session.store, id, () => session.closed),
  };
}

/** Headers a batch at a time for SORT and THREAD, departed ones included. */
export function batchHeaders(session: ImapContext, selected: SelectedMailbox): HeadersOf {
  return async (ids) => {
    const departed = new Map<number, Buffer>();
    for (const id of ids) {
      const header = selected.departedHeader(id);
      if (header) departed.set(id, header);
    }
    const rest = departed.size === 0 ? ids : ids.filter((id) => !departed.has(id));
    const headers = await headersOf(session.store, rest, () => session.closed);
    for (const [id, header] of departed) headers.set(id, header);
    return headers;
  };
}

/**
 * Before the store expunges the departing messages (UIDs, asked for only when needed): their headers go to the shared view, when other
 * sessions on this node have the mailbox selected and may still search them.
 */
export async function keepDepartingHeaders(session: ImapContext, selected: SelectedMailbox, departing: () => readonly number[]): Promise<void> {
  if (!selected.shared) return;
  const ids = departing().flatMap((uid) => selected.get(uid)?.id ?? []);
  const facts = await session.store.readImapFacts(ids, FACTS_VERSION, ['header']);
  const headers = new Map([...facts].map(([id, f]) => [id, f.header]));
  let parsed = 0;
  for (const id of ids) {
    if (headers.has(id) || parsed++ >= MAX_PARSED_BEFORE_EXPUNGE) continue;
    const content = await session.store.readMail(id);
    if (!content) continue;
    const root = parseMessage(content);
    headers.set(id, Buffer.from(content.subarray(root.start, root.bodyStart)));
  }
  selected.keepDeparting(headers);
}

/** The UIDs an EXPUNGE (or CLOSE) would remove: \Deleted, and not already gone. */
export function deletedUids(selected: SelectedMailbox, among?: readonly number[]): number[] {
  return (among ?? selected.all()).filter((uid) => !selected.isExpunged(uid) && selected.hasFlag(uid, '\\Deleted'));
}
