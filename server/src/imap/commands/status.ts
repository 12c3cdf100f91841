// STATUS (RFC 3501 6.3.10), with HIGHESTMODSEQ (CONDSTORE, RFC 7162 3.1.9).
import { encodeMailboxName } from '../mailbox-name.ts';
import { wireModseq } from '../protocol/modseq.ts';
import { astring, text } from '../protocol/response.ts';
import { findMailbox } from './helpers.ts';
import { no } from '../errors.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const status: Handler<CommandOf<'STATUS'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const box = await findMailbox(session, command.mailbox);
    const s = await session.store.mailboxStatus(box.id);
    if (!s) throw no('Mailbox does not exist', 'NONEXISTENT');
    const version = command.items.includes('HIGHESTMODSEQ') ? await session.store.mailboxVersion(box.id) : null;
    const values = { MESSAGES: s.messages, RECENT: s.recent, UIDNEXT: s.uidNext, UIDVALIDITY: s.uidValidity, UNSEEN: s.unseen, HIGHESTMODSEQ: wireModseq(version?.modseq ?? 0) };
    const items = command.items.map((item) => `${item} ${values[item]}`).join(' ');
    await session.untagged(Buffer.concat([text('STATUS '), astring(encodeMailboxName(box.name)), text(` (${items})`)]));
    return { text: 'STATUS completed' };
  },
};
