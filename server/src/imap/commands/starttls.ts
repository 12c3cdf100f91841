// STARTTLS (RFC 3501 6.2.1): the OK goes out in the clear, then the handshake; anything the client
// pipelined after the command is discarded (the socket reader is replaced), as RFC 2595 section 3.1 asks.
import { bad } from '../errors.ts';
import { NOT_LOGGED_IN, type Handler } from './types.ts';

export const starttls: Handler = {
  states: NOT_LOGGED_IN,
  async run(session, _command, tag) {
    if (session.secure) throw bad('TLS is already active');
    await session.write(`${tag} OK Begin TLS negotiation now\r\n`);
    try {
      await session.startTls();
    } catch (err) {
      session.log.info({ err: (err as Error).message }, 'TLS handshake failed');
      session.close();
    }
    return 'done';
  },
};
