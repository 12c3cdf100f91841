// CLOSE (RFC 3501 6.4.2) removes \Deleted mail silently and deselects; UNSELECT (RFC 3691) only deselects.
import { deletedUids, keepDepartingMail } from './message-sources.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const close: Handler<CommandOf<'CLOSE' | 'UNSELECT'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = session.selected!;
    const expunging = command.name === 'CLOSE' && !selected.readOnly;
    if (expunging) await keepDepartingMail(session, selected, () => deletedUids(selected));
    session.select(null);
    if (expunging) await session.store.expunge(selected.info.id);
    return { text: `${command.name} completed` };
  },
};
