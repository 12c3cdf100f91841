// COPY and MOVE with their UID forms (RFC 3501 6.4.7, RFC 6851) and COPYUID (RFC 4315). MOVE is one
// store transaction: the mail is never in both mailboxes, nor in neither.
import { formatSet } from '../protocol/sequence-set.ts';
import { checkQuota } from '../quota.ts';
import { keepDepartingMail } from './message-sources.ts';
import { findMailbox, writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const copy: Handler<CommandOf<'COPY' | 'MOVE'>> = {
  states: SELECTED,
  async run(session, command) {
    const moving = command.name === 'MOVE';
    const selected = moving ? writable(session) : session.selected!;
    const target = await findMailbox(session, command.mailbox, 'TRYCREATE');
    const uids = selected.resolve(command.set, command.uid).filter((uid) => !selected.isExpunged(uid));
    if (uids.length === 0) return { text: `${command.name} completed (no messages)` };
    const store = session.store;
    if (!moving)
      await checkQuota(
        session,
        uids.reduce((sum, uid) => sum + (selected.get(uid)?.size ?? 0), 0),
        uids.length,
      );
    if (moving) await keepDepartingMail(session, selected, () => uids);
    const result = moving ? await store.moveMail(selected.info.id, uids, target.id) : await store.copyMail(selected.info.id, uids, target.id);
    const code = result.sourceUids.length > 0 ? `COPYUID ${result.uidValidity} ${formatSet(result.sourceUids)} ${formatSet(result.targetUids)}` : undefined;
    if (!moving) return { ...(code ? { code } : {}), text: 'COPY completed' };
    // RFC 6851 section 4.3: COPYUID goes in an untagged OK before the EXPUNGEs, which the sync sends.
    if (code) await session.untagged(`OK [${code}] Moved`);
    return { text: 'MOVE completed' };
  },
};
