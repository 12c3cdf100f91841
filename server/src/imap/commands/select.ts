// SELECT and EXAMINE (RFC 3501 6.3.1, 6.3.2). A failed SELECT leaves no mailbox selected.
import { SelectedMailbox } from '../selected-mailbox.ts';
import { findMailbox } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const select: Handler<CommandOf<'SELECT' | 'EXAMINE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    session.select(null);
    const readOnly = command.name === 'EXAMINE';
    const box = await findMailbox(session, command.mailbox);
    const { selected, lines } = await SelectedMailbox.open(session.store, box, readOnly);
    for (const line of lines) await session.untagged(line);
    session.select(selected);
    return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${command.name} completed` };
  },
};
