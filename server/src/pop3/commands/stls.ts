// STLS (RFC 2595 section 4): TLS on the open connection, before login only.
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const stls: Pop3CommandSpec = {
  name: 'STLS',
  states: [Pop3State.Authorization],
  async run(session, command) {
    if (command.args.length > 0) throw new Pop3Error('STLS takes no arguments');
    if (session.secure) throw new Pop3Error('Already using TLS');
    await session.send(ok('Begin TLS negotiation'));
    try {
      await session.startTls();
    } catch (err) {
      session.log.info({ err: (err as Error).message }, 'TLS handshake failed');
      session.close();
    }
  },
};
