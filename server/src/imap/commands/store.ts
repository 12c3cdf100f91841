// STORE and UID STORE (RFC 3501 6.4.6): flag changes, answered with the new flags unless .SILENT, and
// CONDSTORE's UNCHANGEDSINCE (RFC 7162 3.1.3) with MODSEQ in the answers once CONDSTORE is on.
// Other sessions learn of the change at their next sync. Keywords are capped per message (the store:
// limits.max_keywords_per_message) and per mailbox as this session sees it (limits.max_keywords_per_mailbox),
// both answered NO [LIMIT] with nothing changed, and counted.
import { MailboxError } from '../../store/mailbox-store.ts';
import { no } from '../errors.ts';
import { storedModseq } from '../protocol/modseq.ts';
import { text } from '../protocol/response.ts';
import { enableCondstore } from './fetch.ts';
import { mailboxCall, storableFlags, writable } from './helpers.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

export const store: Handler<CommandOf<'STORE'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = writable(session);
    const flags = storableFlags(command.flags);
    const uids = selected.resolve(command.set, command.uid).filter((uid) => !selected.isExpunged(uid));
    const perMailbox = session.maxKeywordsPerMailbox;
    if (command.op !== 'remove' && selected.keywordsWith(flags) > perMailbox) {
      session.limitHit('keywords_per_mailbox');
      throw no(`A mailbox may have at most ${perMailbox} keywords`, 'LIMIT');
    }
    // UNCHANGEDSINCE turns CONDSTORE on (RFC 7162 3.1.3): messages changed since are left alone and named
    // in [MODIFIED]; the check and the change are one store transaction.
    const since = command.unchangedSince;
    if (since !== null) await enableCondstore(session, selected);
    const { changed, modified } = await mailboxCall(async () => {
      try {
        if (since === null) return { changed: await session.store.setFlags(selected.info.id, uids, command.op, flags), modified: [] };
        return await session.store.setFlagsUnchangedSince(selected.info.id, uids, command.op, flags, storedModseq(since));
      } catch (err) {
        if (err instanceof MailboxError && err.code === 'limit') session.limitHit('keywords_per_message');
        throw err;
      }
    });
    selected.applyChanges(changed);
    // A new keyword is announced (FLAGS, PERMANENTFLAGS) before the first FETCH that shows it.
    for (const line of selected.takeNewKeywords()) await session.untagged(line);
    const refused = new Set(modified);
    const changedUids = new Set(changed.map((m) => m.uid));
    for (const uid of uids) {
      if (refused.has(uid)) continue;
      const uidItem = command.uid ? ` UID ${uid}` : '';
      // With CONDSTORE the new MODSEQ is sent even for .SILENT, for the messages this STORE changed.
      const modseq = selected.condstore ? ` MODSEQ (${selected.modseqOf(uid)})` : '';
      if (!command.silent) await session.untagged(text(`${selected.seqOf(uid)} FETCH (FLAGS (${selected.flagsOf(uid).join(' ')})${uidItem}${modseq})`));
      else if (modseq !== '' && changedUids.has(uid)) await session.untagged(text(`${selected.seqOf(uid)} FETCH (${`${uidItem}${modseq}`.trimStart()})`));
    }
    if (modified.length > 0) {
      const numbers = command.uid ? modified : modified.map((uid) => selected.seqOf(uid));
      return { code: `MODIFIED ${[...numbers].sort((a, b) => a - b).join(',')}`, text: 'Some messages were modified meanwhile' };
    }
    return { text: 'STORE completed' };
  },
};
