// PASS password (RFC 1939 section 7): the rest of the line is the password, spaces included.
import { Pop3Error } from '../reply.ts';
import { Pop3State } from '../state.ts';
import { logIn } from './login.ts';
import type { Pop3CommandSpec } from './types.ts';

export const pass: Pop3CommandSpec = {
  name: 'PASS',
  states: [Pop3State.Authorization],
  async run(session, command) {
    const user = session.pendingUser;
    if (user === null) throw new Pop3Error('Send USER first');
    session.pendingUser = null;
    if (command.rest === '') throw new Pop3Error('Usage: PASS password');
    await logIn(session, user, command.rest);
  },
};
