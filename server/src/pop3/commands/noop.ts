// NOOP (RFC 1939 section 5).
import { Pop3Error, ok } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const noop: Pop3CommandSpec = {
  name: 'NOOP',
  states: [Pop3State.Transaction],
  async run(session, command) {
    if (command.args.length > 0) throw new Pop3Error('NOOP takes no arguments');
    await session.send(ok('Nothing done'));
  },
};
