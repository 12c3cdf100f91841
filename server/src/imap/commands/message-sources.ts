// Where SEARCH, SORT and THREAD read messages and their headers, and the hand-over that keeps them
// readable for a message expunged by one session while another still lists it. RFC 3501 7.4.1 lets a
// session keep listing such a message until an EXPUNGE may be sent, and its SEARCH must still match it
// (imaptest's stress counts a miss as "SEARCH result missing"); the store has deleted it by then. So the
// expunging session reads the messages before the store deletes them and leaves them with the node's
// shared view of the mailbox (mailbox-view.ts), which keeps them until every session has announced the
// removal: the header always, the whole message when it is small and the view's budget allows (body
// keys such as TEXT need it). Sessions on other nodes are not covered: there, until announced, such a
// message matches no content key.
import { parseMessage } from '../mime/part.ts';
import type { DepartingMail } from '../mailbox-view.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import { FACTS_VERSION, headerOf, headersOf } from '../stored-facts.ts';
import type { SearchScope } from '../search/evaluate.ts';
import type { HeadersOf } from '../search/matching-facts.ts';
import type { ImapContext } from './context.ts';

/** Messages up to this size are kept whole for the sessions that still list them. */
const KEEP_WHOLE_MAX_BYTES = 1024 * 1024;
/** Most bytes of whole messages one expunge reads to keep; beyond, only headers. */
const KEEP_WHOLE_PER_EXPUNGE_BYTES = 16 * 1024 * 1024;
/** Messages without kept facts whose header an expunge reads from the message itself, at most. */
const MAX_PARSED_BEFORE_EXPUNGE = 1_000;

/** The search scope of the selected mailbox: departed messages (kept by the view) included. */
export function searchScope(session: ImapContext, selected: SelectedMailbox): SearchScope {
  return {
    selected,
    readMail: async (id) => selected.departed(id)?.content ?? session.store.readMail(id),
    readHeader: async (id) => selected.departed(id)?.header ?? headerOf(session.store, id, () => session.closed),
    readHeaders: batchHeaders(session, selected),
  };
}

/** Headers a batch at a time for SORT and THREAD, departed ones included. */
export function batchHeaders(session: ImapContext, selected: SelectedMailbox): HeadersOf {
  return async (ids) => {
    const departed = new Map<number, Buffer>();
    for (const id of ids) {
      const header = selected.departed(id)?.header;
      if (header) departed.set(id, header);
    }
    const rest = departed.size === 0 ? ids : ids.filter((id) => !departed.has(id));
    const headers = await headersOf(session.store, rest, () => session.closed);
    for (const [id, header] of departed) headers.set(id, header);
    return headers;
  };
}

const headerSection = (content: Buffer) => {
  const root = parseMessage(content);
  return Buffer.from(content.subarray(root.start, root.bodyStart));
};

/**
 * Before the store expunges the departing messages (UIDs, asked for only when needed): they go to the
 * shared view, when other sessions on this node have the mailbox selected and may still search them.
 */
export async function keepDepartingMail(session: ImapContext, selected: SelectedMailbox, departing: () => readonly number[]): Promise<void> {
  if (!selected.shared) return;
  const mail = departing().flatMap((uid) => selected.get(uid) ?? []);
  const kept = new Map<number, DepartingMail>();
  let wholeBytes = 0;
  for (const m of mail) {
    if (m.size > KEEP_WHOLE_MAX_BYTES || wholeBytes + m.size > KEEP_WHOLE_PER_EXPUNGE_BYTES) continue;
    const content = await session.store.readMail(m.id);
    if (!content) continue;
    wholeBytes += content.length;
    kept.set(m.id, { header: headerSection(content), content });
  }
  const rest = mail.filter((m) => !kept.has(m.id)).map((m) => m.id);
  const facts = rest.length > 0 ? await session.store.readImapFacts(rest, FACTS_VERSION, ['header']) : new Map<number, { header: Buffer }>();
  let parsed = 0;
  for (const id of rest) {
    const header = facts.get(id)?.header;
    if (header) kept.set(id, { header, content: null });
    else if (parsed++ < MAX_PARSED_BEFORE_EXPUNGE) {
      const content = await session.store.readMail(id);
      if (content) kept.set(id, { header: headerSection(content), content: null });
    }
  }
  selected.keepDeparting(kept);
}

/** The UIDs an EXPUNGE (or CLOSE) would remove: \Deleted, and not already gone. */
export function deletedUids(selected: SelectedMailbox, among?: readonly number[]): number[] {
  return (among ?? selected.all()).filter((uid) => !selected.isExpunged(uid) && selected.hasFlag(uid, '\\Deleted'));
}
