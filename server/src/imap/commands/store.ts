// STORE and UID STORE (RFC 3501 6.4.6): flag changes, answered with the new flags unless .SILENT.
// Other sessions learn of the change at their next sync.
import { text } from '../protocol/response.ts';
import { storableFlags, writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const store: Handler<CommandOf<'STORE'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = writable(session);
    const flags = storableFlags(command.flags);
    const uids = selected.resolve(command.set, command.uid).filter((uid) => !selected.isExpunged(uid));
    const changed = await session.store.setFlags(selected.info.id, uids, command.op, flags);
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
