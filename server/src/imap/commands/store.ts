// STORE and UID STORE (RFC 3501 6.4.6): flag changes, answered with the new flags unless .SILENT.
// Other sessions learn of the change at their next sync. Keywords are capped per message (the store:
// MAX_KEYWORDS_PER_MESSAGE) and per mailbox as this session sees it (MAX_KEYWORDS_PER_MAILBOX), both
// answered NO [LIMIT] with nothing changed.
import { no } from '../errors.ts';
import { MAX_KEYWORDS_PER_MAILBOX } from '../limits.ts';
import { text } from '../protocol/response.ts';
import { mailboxCall, storableFlags, writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const store: Handler<CommandOf<'STORE'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = writable(session);
    const flags = storableFlags(command.flags);
    const uids = selected.resolve(command.set, command.uid).filter((uid) => !selected.isExpunged(uid));
    if (command.op !== 'remove' && selected.keywordsWith(flags) > MAX_KEYWORDS_PER_MAILBOX) {
      throw no(`A mailbox may have at most ${MAX_KEYWORDS_PER_MAILBOX} keywords`, 'LIMIT');
    }
    const changed = await mailboxCall(() => session.store.setFlags(selected.info.id, uids, command.op, flags));
    selected.applyChanges(changed);
    if (!command.silent) {
      for (const uid of uids) {
        const uidItem = command.uid ? ` UID ${uid}` : '';
        await session.untagged(text(`${selected.seqOf(uid)} FETCH (FLAGS (${selected.flagsOf(uid).join(' ')})${uidItem})`));
      }
    }
    return { text: 'STORE completed' };
  },
};
