// STORE and UID STORE (RFC 3501 6.4.6): flag changes, answered with the new flags unless .SILENT.
// Other sessions learn of the change at their next sync. Keywords are capped per message (the store:
// limits.max_keywords_per_message) and per mailbox as this session sees it (limits.max_keywords_per_mailbox),
// both answered NO [LIMIT] with nothing changed, and counted.
import { MailboxError } from '../../store/mailbox-store.ts';
import { no } from '../errors.ts';
import { text } from '../protocol/response.ts';
import { mailboxCall, storableFlags, writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const store: Handler<CommandOf<'STORE'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = writable(session);
    const flags = storableFlags(command.flags);
    const uids = selected.resolve(command.set, command.uid).filter((uid) => !selected.isExpunged(uid));
    const perMailbox = session.maxKeywordsPerMailbox;
    if (command.op !== 'remove' && selected.keywordsWith(flags) > perMailbox) {
      session.limitHit('keywords_per_mailbox');
      throw no(`A mailbox may have at most ${perMailbox} keywords`, 'LIMIT');
    }
    const changed = await mailboxCall(async () => {
      try {
        return await session.store.setFlags(selected.info.id, uids, command.op, flags);
      } catch (err) {
        if (err instanceof MailboxError && err.code === 'limit') session.limitHit('keywords_per_message');
        throw err;
      }
    });
    selected.applyChanges(changed);
    // A new keyword is announced (FLAGS, PERMANENTFLAGS) before the first FETCH that shows it.
    for (const line of selected.takeNewKeywords()) await session.untagged(line);
    if (!command.silent) {
      for (const uid of uids) {
        const uidItem = command.uid ? ` UID ${uid}` : '';
        await session.untagged(text(`${selected.seqOf(uid)} FETCH (FLAGS (${selected.flagsOf(uid).join(' ')})${uidItem})`));
      }
    }
    return { text: 'STORE completed' };
  },
};
