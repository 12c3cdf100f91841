// CLOSE (RFC 3501 6.4.2) removes \Deleted mail silently and deselects; UNSELECT (RFC 3691) only deselects.
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const close: Handler<CommandOf<'CLOSE' | 'UNSELECT'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = session.selected!;
    session.select(null);
    if (command.name === 'CLOSE' && !selected.readOnly) await session.store.expunge(selected.info.id);
    return { text: `${command.name} completed` };
  },
};
