// The messages a SORT or THREAD works on: those its search keys match, with their header facts.
import type { SearchKey } from '../protocol/search-keys.ts';
import { search, type SearchScope } from './evaluate.ts';
import { messageFacts, type MessageFacts } from './message-facts.ts';

export async function matchingFacts(key: SearchKey, scope: SearchScope): Promise<MessageFacts[]> {
  const out: MessageFacts[] = [];
  for (const uid of await search(key, scope)) {
    const mail = scope.selected.get(uid);
    if (!mail) continue;
    out.push(messageFacts(mail, scope.selected.seqOf(uid), await scope.readMail(mail.id)));
  }
  return out;
}
