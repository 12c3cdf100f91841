// The messages a SORT or THREAD works on: those its search keys match, with their header facts. The
// headers come from the caller (the store keeps each message's header with its IMAP facts:
// ../stored-facts.ts), a batch at a time, so sorting a mailbox reads no message body.
import type { SearchKey } from '../protocol/search-keys.ts';
import { search, type SearchScope } from './evaluate.ts';
import { messageFacts, type MessageFacts } from './message-facts.ts';

/** The header sections of these messages (by store id); a message gone meanwhile is absent. */
export type HeadersOf = (ids: readonly number[]) => Promise<Map<number, Buffer>>;

/** Messages whose headers are asked for at a time: one store read each, and bounded memory. */
const BATCH = 256;

export async function matchingFacts(key: SearchKey, scope: SearchScope, headersOf: HeadersOf): Promise<MessageFacts[]> {
  const out: MessageFacts[] = [];
  const uids = await search(key, scope);
  for (let i = 0; i < uids.length; i += BATCH) {
    const batch = uids.slice(i, i + BATCH).flatMap((uid) => {
      const mail = scope.selected.get(uid);
      return mail ? [{ uid, mail }] : [];
    });
    const headers = await headersOf(batch.map((b) => b.mail.id));
    for (const { uid, mail } of batch) out.push(messageFacts(mail, scope.selected.seqOf(uid), headers.get(mail.id) ?? null));
  }
  return out;
}
