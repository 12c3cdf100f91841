// RSET (RFC 1939 section 5): unmarks every message marked deleted.
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const rset: Pop3CommandSpec = {
  name: 'RSET',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length > 0) throw new Pop3Error('RSET takes no arguments');
    const restored = session.maildrop.reset();
    const { count, size } = session.maildrop.stat();
    await session.send(ok(`${restored} messages undeleted; maildrop has ${count} messages (${size} octets)`));
  },
};
