// RETR msg (RFC 1939 section 7): the whole message, byte-stuffed.
import { messageNumber } from '../parser.ts';
import { Pop3Error, stuffMessage } from '../reply.ts';
import { Pop3State } from '../state.ts';
import { readContent } from './content.ts';
import type { Pop3CommandSpec } from './types.ts';

export const retr: Pop3CommandSpec = {
  name: 'RETR',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length !== 1) throw new Pop3Error('Usage: RETR message');
    const m = session.maildrop.get(messageNumber(command.args[0]));
    const content = await readContent(session, m);
    await session.send(Buffer.concat([Buffer.from(`+OK ${m.size} octets\r\n`), stuffMessage(content)]));
  },
};
