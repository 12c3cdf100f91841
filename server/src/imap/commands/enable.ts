// ENABLE (RFC 5161). CONDSTORE and QRESYNC (RFC 7162), UTF8=ACCEPT (RFC 6855) and IMAP4rev2 (RFC 9051) are
// what is offered that needs enabling; the others a client names are left out of ENABLED, which the RFC allows.
import { AUTHENTICATED_ONLY, type CommandOf, type Handler } from './types.ts';

export const enable: Handler<CommandOf<'ENABLE'>> = {
  states: AUTHENTICATED_ONLY,
  async run(session, command) {
    const enabled: string[] = [];
    const wanted = command.extensions;
    // QRESYNC implies CONDSTORE (RFC 7162 3.2.3).
    if ((wanted.includes('CONDSTORE') || wanted.includes('QRESYNC')) && !session.condstore) {
      session.condstore = true;
      enabled.push('CONDSTORE');
    }
    if (wanted.includes('QRESYNC') && !session.qresync) {
      session.qresync = true;
      enabled.push('QRESYNC');
    }
    // UTF8=ACCEPT (RFC 6855 3): mailbox names in UTF-8 both ways, and APPEND's UTF8 (~{n}) form.
    if (wanted.includes('UTF8=ACCEPT') && !session.utf8Accept) {
      session.utf8Accept = true;
      enabled.push('UTF8=ACCEPT');
    }
    // IMAP4rev2 (RFC 9051 6.3.1): the session speaks rev2 from here on (commands/context.ts says what changes).
    if (wanted.includes('IMAP4REV2') && !session.imap4rev2) {
      session.imap4rev2 = true;
      enabled.push('IMAP4rev2');
    }
    await session.untagged(['ENABLED', ...enabled].join(' '));
    return { text: 'ENABLE completed' };
  },
};
