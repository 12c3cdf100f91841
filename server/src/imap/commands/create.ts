// CREATE (RFC 3501 6.3.3): missing parents are created too; a trailing "/" only says a child may follow.
import { MAILBOX_DELIMITER } from '../../store/mailbox-store.ts';
import { mailboxCall } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const create: Handler<CommandOf<'CREATE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const name = command.mailbox.endsWith(MAILBOX_DELIMITER) ? command.mailbox.slice(0, -1) : command.mailbox;
    await mailboxCall(() => session.store.createMailbox(session.user.id, name));
    return { text: 'CREATE completed' };
  },
};
