// ENABLE (RFC 5161). CONDSTORE and QRESYNC (RFC 7162) are the extensions offered that need enabling; the
// others a client names are left out of ENABLED, which the RFC allows.
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
    await session.untagged(['ENABLED', ...enabled].join(' '));
    return { text: 'ENABLE completed' };
  },
};
