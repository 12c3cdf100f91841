// DELE msg (RFC 1939 section 5): marks the message; it is removed only at QUIT.
import { messageNumber } from '../parser.ts';
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const dele: Pop3CommandSpec = {
  name: 'DELE',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length !== 1) throw new Pop3Error('Usage: DELE message');
    const m = session.maildrop.get(messageNumber(command.args[0]));
    m.deleted = true;
    await session.send(ok(`Message ${m.number} deleted`));
  },
};
