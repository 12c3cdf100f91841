// APPEND (RFC 3501 6.3.11) with APPENDUID (RFC 4315), MULTIAPPEND (RFC 3502) and BINARY's literal8
// (RFC 3516). The size limit was enforced before the literals were read; a missing mailbox gets TRYCREATE so
// the client can create it and retry. Several messages are all-or-nothing: every one is checked (flags,
// size, the quota for all of them together) before any is stored, and they are stored in one transaction.
import { applyFlags, keywordCount, maxKeywordsPerMessage } from '../../store/flag-changes.ts';
import type { NewMail } from '../../store/mailbox-store.ts';
import { no } from '../errors.ts';
import type { AppendMessage } from '../protocol/append-command.ts';
import { checkQuota } from '../quota.ts';
import type { ImapContext } from './context.ts';
import { findMailbox, storableFlags } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

/** One message as the store takes it, or NO naming which message of a MULTIAPPEND was refused. */
function checked(session: ImapContext, m: AppendMessage, prefix: string): NewMail {
  const flags = applyFlags([], 'replace', storableFlags(m.flags));
  if (keywordCount(flags) > maxKeywordsPerMessage()) {
    session.limitHit('keywords_per_message');
    throw no(`${prefix}A message may carry at most ${maxKeywordsPerMessage()} keywords`, 'LIMIT');
  }
  if (m.message.length === 0) throw no(`${prefix}An empty message cannot be appended`);
  if (m.message.length > session.appendMaxBytes) throw no(`${prefix}Message is larger than ${session.appendMaxBytes} octets`, 'TOOBIG');
  // The literal is a view into the command buffer; copy it so the store keeps only the message.
  return { content: Buffer.from(m.message), flags, internalDate: m.date ?? Date.now() };
}

/** "4:6" for consecutive UIDs (a MULTIAPPEND's are), as APPENDUID's uid-set. */
const uidSet = (uids: readonly number[]) => (uids.length === 1 ? `${uids[0]}` : `${uids[0]}:${uids[uids.length - 1]}`);

export const append: Handler<CommandOf<'APPEND'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const many = command.messages.length > 1;
    const mails = command.messages.map((m, i) => checked(session, m, many ? `Message ${i + 1}: ` : ''));
    const box = await findMailbox(session, command.mailbox, 'TRYCREATE');
    await checkQuota(
      session,
      mails.reduce((sum, m) => sum + m.content.length, 0),
      mails.length,
    );
    const { uids, uidValidity } = many ? await session.store.appendMails(box.id, mails) : await appendOne(session, box.id, mails[0]!);
    session.log.info({ mailbox: box.id, uids, bytes: mails.reduce((sum, m) => sum + m.content.length, 0) }, many ? 'messages appended' : 'message appended');
    return { code: `APPENDUID ${uidValidity} ${uidSet(uids)}`, text: 'APPEND completed' };
  },
};

async function appendOne(session: ImapContext, mailboxId: number, mail: NewMail): Promise<{ uids: number[]; uidValidity: number }> {
  const { uid, uidValidity } = await session.store.appendMail(mailboxId, mail.content, mail.flags, mail.internalDate);
  return { uids: [uid], uidValidity };
}
