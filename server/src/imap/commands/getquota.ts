// GETQUOTA (RFC 9208 4.2.1): the resources of a quota root; the only root is "" (imap/quota.ts).
import { no } from '../errors.ts';
import { QUOTA_ROOT, quotaResources } from '../quota.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const getquota: Handler<CommandOf<'GETQUOTA'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const resources = command.root === QUOTA_ROOT ? await quotaResources(session) : null;
    if (!resources) throw no(`No quota root ${JSON.stringify(command.root)}`, 'NONEXISTENT');
    await session.untagged(resources);
    return { text: 'GETQUOTA completed' };
  },
};
