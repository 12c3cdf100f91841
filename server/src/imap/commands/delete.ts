// DELETE (RFC 3501 6.3.4). Other sessions that have it selected are disconnected at their next sync.
import { mailboxCall } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const remove: Handler<CommandOf<'DELETE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const box = await session.store.findMailbox(session.user.id, command.mailbox);
    await mailboxCall(() => session.store.deleteMailbox(session.user.id, command.mailbox));
    if (box && session.selected?.info.id === box.id) session.select(null);
    return { text: 'DELETE completed' };
  },
};
