// RENAME (RFC 3501 6.3.5): children move along; renaming INBOX moves its mail and keeps INBOX.
import { mailboxCall } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const rename: Handler<CommandOf<'RENAME'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    await mailboxCall(() => session.store.renameMailbox(session.user.id, command.from, command.to));
    return { text: 'RENAME completed' };
  },
};
