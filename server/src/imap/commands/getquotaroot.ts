// GETQUOTAROOT (RFC 9208 4.2.2): the quota roots of a mailbox and their resources. Every mailbox of an
// account is under the one root "", when the account has a limit (imap/quota.ts).
import { mailboxToWire } from '../mailbox-name.ts';
import { QUOTA_ROOT, quotaResources } from '../quota.ts';
import { astring, string, text } from '../protocol/response.ts';
import { findMailbox } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const getquotaroot: Handler<CommandOf<'GETQUOTAROOT'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const box = await findMailbox(session, command.mailbox);
    const resources = await quotaResources(session);
    const roots = resources ? [text(' '), string(QUOTA_ROOT)] : [];
    await session.untagged(Buffer.concat([text('QUOTAROOT '), astring(mailboxToWire(box.name, session.utf8Names)), ...roots]));
    if (resources) await session.untagged(resources);
    return { text: 'GETQUOTAROOT completed' };
  },
};
