// CREATE (RFC 3501 6.3.3): missing parents are created too; a trailing "/" only says a child may follow.
// CREATE-SPECIAL-USE (RFC 6154 section 3): "CREATE Sent2 (USE (\Sent))" marks the new mailbox. A mailbox
// holds one special use, and only one that names real mail: \All and \Flagged are virtual mailboxes,
// which this server does not have. Anything else is NO [USEATTR], and nothing is created.
import { MAILBOX_DELIMITER } from '../../store/mailbox-store.ts';
import { no } from '../errors.ts';
import { mailboxCall } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

const CREATABLE = ['\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash'];

function specialUse(attributes: readonly string[]): string | null {
  if (attributes.length === 0) return null;
  if (attributes.length > 1) throw no('A mailbox can have one special use', 'USEATTR');
  const use = CREATABLE.find((u) => u.toLowerCase() === attributes[0]!.toLowerCase());
  if (!use) throw no(`${attributes[0]} cannot be given to a new mailbox; use one of ${CREATABLE.join(' ')}`, 'USEATTR');
  return use;
}

export const create: Handler<CommandOf<'CREATE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const use = specialUse(command.specialUse);
    const name = command.mailbox.endsWith(MAILBOX_DELIMITER) ? command.mailbox.slice(0, -1) : command.mailbox;
    await mailboxCall(() => session.store.createMailbox(session.user.id, name, use));
    return { text: 'CREATE completed' };
  },
};
