// TOP msg n (RFC 1939 section 7): the header, the blank line and the first n lines of the body.
import { lineCount, messageNumber } from '../parser.ts';
import { Pop3Error, stuffMessage } from '../reply.ts';
import { Pop3State } from '../state.ts';
import { readContent } from './content.ts';
import type { Pop3CommandSpec } from './types.ts';

export const top: Pop3CommandSpec = {
  name: 'TOP',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length !== 2) throw new Pop3Error('Usage: TOP message lines');
    const m = session.maildrop.get(messageNumber(command.args[0]));
    const lines = lineCount(command.args[1]);
    const content = await readContent(session, m);
    await session.send(Buffer.concat([Buffer.from('+OK Top of message follows\r\n'), stuffMessage(content, lines)]));
  },
};
