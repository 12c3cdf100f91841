// APPEND (RFC 3501 6.3.11) with APPENDUID (RFC 4315). The size limit was enforced before the literal
// was read; a missing mailbox gets TRYCREATE so the client can create it and retry.
import { applyFlags, keywordCount, maxKeywordsPerMessage } from '../../store/flag-changes.ts';
import { no } from '../errors.ts';
import { checkQuota } from '../quota.ts';
import { findMailbox, storableFlags } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const append: Handler<CommandOf<'APPEND'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    const flags = applyFlags([], 'replace', storableFlags(command.flags));
    if (keywordCount(flags) > maxKeywordsPerMessage()) {
      session.limitHit('keywords_per_message');
      throw no(`A message may carry at most ${maxKeywordsPerMessage()} keywords`, 'LIMIT');
    }
    const box = await findMailbox(session, command.mailbox, 'TRYCREATE');
    if (command.message.length === 0) throw no('An empty message cannot be appended');
    if (command.message.length > session.appendMaxBytes) throw no(`Message is larger than ${session.appendMaxBytes} octets`, 'TOOBIG');
    // The literal is a view into the command buffer; copy it so the store keeps only the message.
    const content = Buffer.from(command.message);
    await checkQuota(session, content.length, 1);
    const { uid, uidValidity } = await session.store.appendMail(box.id, content, flags, command.date ?? Date.now());
    session.log.info({ mailbox: box.id, uid, bytes: content.length }, 'message appended');
    return { code: `APPENDUID ${uidValidity} ${uid}`, text: 'APPEND completed' };
  },
};
