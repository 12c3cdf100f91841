// SUBSCRIBE and UNSUBSCRIBE (RFC 3501 6.3.6, 6.3.7). A name can stay subscribed after its mailbox is
// gone; subscribing needs the mailbox to exist, so typing mistakes are caught.
import { findMailbox, mailboxCall } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const subscribe: Handler<CommandOf<'SUBSCRIBE' | 'UNSUBSCRIBE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const on = command.name === 'SUBSCRIBE';
    const name = on ? (await findMailbox(session, command.mailbox)).name : command.mailbox;
    await mailboxCall(() => session.store.setSubscribed(session.user.id, name, on));
    return { text: `${command.name} completed` };
  },
};
