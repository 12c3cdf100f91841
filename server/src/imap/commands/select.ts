// SELECT and EXAMINE (RFC 3501 6.3.1, 6.3.2), with HIGHESTMODSEQ always and the CONDSTORE parameter
// (RFC 7162), and QRESYNC's resynchronisation: VANISHED (EARLIER) and the FETCH of what changed since the
// client's modseq, before the tagged OK. A failed SELECT leaves no mailbox selected.
import { bad } from '../errors.ts';
import { storedModseq } from '../protocol/modseq.ts';
import { vanished } from '../protocol/vanished.ts';
import { SelectedMailbox } from '../selected-mailbox.ts';
import { findMailbox } from './helpers.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const select: Handler<CommandOf<'SELECT' | 'EXAMINE'>> = {
  states: LOGGED_IN,
  async run(session, command) {
    // Selecting while a mailbox is selected closes it first, and says so before any response about the new
    // one (RFC 9051 6.3.2, RFC 7162 3.2.11): the client knows which mailbox the responses that follow are about.
    const wasSelected = session.selected !== null;
    session.select(null);
    if (wasSelected) await session.untagged('OK [CLOSED] Previous mailbox closed');
    // RFC 7162 3.2.5: the QRESYNC parameter only once QRESYNC is enabled.
    if (command.qresync && !session.qresync) throw bad('QRESYNC is not enabled');
    const readOnly = command.name === 'EXAMINE';
    const box = await findMailbox(session, command.mailbox);
    const { selected, lines } = await SelectedMailbox.open(session.views, session.store, box, readOnly, session.imap4rev2);
    for (const line of lines) await session.untagged(line);
    // SELECT (CONDSTORE) turns CONDSTORE on for the connection (RFC 7162 3.1.8).
    if (command.condstore) session.condstore = true;
    selected.condstore = session.condstore;
    selected.qresync = session.qresync;
    const q = command.qresync;
    // A client that knew another incarnation of the mailbox (UIDVALIDITY changed) gets a plain SELECT.
    if (q && q.uidValidity === box.uidValidity) {
      const line = vanished(selected.vanishedIn(q.knownUids ?? [[1, '*']]), true);
      if (line) await session.untagged(line);
      const since = storedModseq(q.modseq);
      for (const uid of selected.all()) {
        const mail = selected.get(uid);
        if (!mail || mail.modseq <= since) continue;
        await session.untagged(`${selected.seqOf(uid)} FETCH (UID ${uid} FLAGS (${selected.flagsOf(uid).join(' ')}) MODSEQ (${selected.modseqOf(uid)}))`);
      }
    }
    session.select(selected);
    return { code: readOnly ? 'READ-ONLY' : 'READ-WRITE', text: `${command.name} completed` };
  },
};
