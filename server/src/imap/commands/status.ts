// STATUS (RFC 3501 6.3.10) with SIZE (RFC 8438), DELETED (RFC 9051) and DELETED-STORAGE (RFC 9208: the
// storage, in units of 1024 octets, an EXPUNGE would give back) and HIGHESTMODSEQ (CONDSTORE, RFC 7162 3.1.9). LIST-STATUS (list.ts) sends the same line.
import type { MailboxInfo } from '../../store/types.ts';
import { no } from '../errors.ts';
import { mailboxToWire } from '../mailbox-name.ts';
import type { StatusItem } from '../protocol/commands.ts';
import { wireModseq } from '../protocol/modseq.ts';
import { astring, text } from '../protocol/response.ts';
import type { ImapContext } from './context.ts';
import { findMailbox } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

/** Items that need the mailbox's messages, not only its counters. */
const PER_MESSAGE = new Set<StatusItem>(['SIZE', 'DELETED', 'DELETED-STORAGE']);

/** The untagged STATUS response for a mailbox; null when it no longer exists. */
export async function statusResponse(session: ImapContext, box: MailboxInfo, items: readonly StatusItem[]): Promise<Buffer | null> {
  const s = await session.store.mailboxStatus(box.id);
  if (!s) return null;
  const values: Record<StatusItem, number> = {
    MESSAGES: s.messages,
    RECENT: s.recent,
    UIDNEXT: s.uidNext,
    UIDVALIDITY: s.uidValidity,
    UNSEEN: s.unseen,
    SIZE: 0,
    DELETED: 0,
    'DELETED-STORAGE': 0,
    HIGHESTMODSEQ: 0,
  };
  if (items.includes('HIGHESTMODSEQ')) values.HIGHESTMODSEQ = wireModseq((await session.store.mailboxVersion(box.id))?.modseq ?? 0);
  if (items.some((i) => PER_MESSAGE.has(i))) {
    let deletedBytes = 0;
    for (const m of await session.store.listMail(box.id)) {
      values.SIZE += m.size;
      if (m.flags.includes('\\Deleted')) {
        values.DELETED++;
        deletedBytes += m.size;
      }
    }
    values['DELETED-STORAGE'] = Math.ceil(deletedBytes / 1024);
  }
  const list = items.map((item) => `${item} ${values[item]}`).join(' ');
  return Buffer.concat([text('STATUS '), astring(mailboxToWire(box.name, session.utf8Names)), text(` (${list})`)]);
}

export const status: Handler<CommandOf<'STATUS'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const box = await findMailbox(session, command.mailbox);
    const line = await statusResponse(session, box, command.items);
    if (!line) throw no('Mailbox does not exist', 'NONEXISTENT');
    await session.untagged(line);
    return { text: 'STATUS completed' };
  },
};
