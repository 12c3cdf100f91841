// LIST [msg] (RFC 1939 section 5): sizes, of one message or of every message not marked deleted.
import { messageNumber } from '../parser.ts';
import { Pop3Error, multiline, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const list: Pop3CommandSpec = {
  name: 'LIST',
  states: [Pop3State.Transaction],
  async run(session, command) {
    const drop = session.maildrop;
    if (command.args.length > 1) throw new Pop3Error('Usage: LIST [message]');
    if (command.args.length === 1) {
      const m = drop.get(messageNumber(command.args[0]));
      await session.send(ok(`${m.number} ${m.size}`));
      return;
    }
    const { count, size } = drop.stat();
    await session.send(
      multiline(
        `${count} messages (${size} octets)`,
        drop.live().map((m) => `${m.number} ${m.size}`),
      ),
    );
  },
};
