// STAT (RFC 1939 section 5): count and total size of the messages not marked deleted.
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const stat: Pop3CommandSpec = {
  name: 'STAT',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length > 0) throw new Pop3Error('STAT takes no arguments');
    const { count, size } = session.maildrop.stat();
    await session.send(ok(`${count} ${size}`));
  },
};
