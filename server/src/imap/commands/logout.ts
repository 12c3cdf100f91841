// LOGOUT (RFC 3501 6.1.3): BYE, then the tagged OK, then the connection closes.
import { ANY, type Handler } from './types.ts';

export const logout: Handler = {
  states: ANY,
  async run(session, _command, tag) {
    await session.untagged('BYE Mailroom IMAP4rev1 server logging out');
    session.close(`${tag} OK LOGOUT completed\r\n`);
    return 'done';
  },
};
