// EXPUNGE (RFC 3501 6.4.3) and UID EXPUNGE (RFC 4315): removes \Deleted mail; the EXPUNGE responses
// come from the session's sync after the command, together with removals by other sessions.
import { deletedUids, keepDepartingMail } from './message-sources.ts';
import { writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const expunge: Handler<CommandOf<'EXPUNGE' | 'UID EXPUNGE'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = writable(session);
    const uids = command.name === 'UID EXPUNGE' ? selected.resolve(command.set, true) : undefined;
    if (uids?.length === 0) return { text: 'EXPUNGE completed (nothing matched)' };
    await keepDepartingMail(session, selected, () => deletedUids(selected, uids));
    const removed = await session.store.expunge(selected.info.id, uids);
    session.log.debug({ removed: removed.length }, 'expunged');
    return { text: 'EXPUNGE completed' };
  },
};
