// UIDL [msg] (RFC 1939 section 7): unique ids that stay the same across sessions.
import { messageNumber } from '../parser.ts';
import { Pop3Error, multiline, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const uidl: Pop3CommandSpec = {
  name: 'UIDL',
  states: [Pop3State.Transaction],
  async run(session, command) {
    const drop = session.maildrop;
    if (command.args.length > 1) throw new Pop3Error('Usage: UIDL [message]');
    if (command.args.length === 1) {
      const m = drop.get(messageNumber(command.args[0]));
      await session.send(ok(`${m.number} ${drop.uniqueId(m)}`));
      return;
    }
    await session.send(
      multiline(
        'Unique ids follow',
        drop.live().map((m) => `${m.number} ${drop.uniqueId(m)}`),
      ),
    );
  },
};
