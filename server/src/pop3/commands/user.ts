// USER name (RFC 1939 section 7): remembers the name for PASS.
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const user: Pop3CommandSpec = {
  name: 'USER',
  states: [Pop3State.Authorization],
  async run(session, command) {
    if (!session.plaintextAllowed) throw new Pop3Error('Plaintext authentication is not allowed without TLS; use STLS first', 'AUTH');
    if (command.args.length !== 1) throw new Pop3Error('Usage: USER name');
    session.pendingUser = command.args[0]!;
    await session.send(ok('Send your password'));
  },
};
