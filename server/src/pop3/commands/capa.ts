// CAPA (RFC 2449 section 5). Login mechanisms appear only where they are allowed: before login, and
// in the clear only on loopback.
import { multiline } from '../reply.ts';
import { Pop3State } from '../state.ts';
import type { Pop3CommandSpec } from './types.ts';

export const capa: Pop3CommandSpec = {
  name: 'CAPA',
  states: [Pop3State.Authorization, Pop3State.Transaction],
  async run(session) {
    const caps = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER', 'IMPLEMENTATION Mailroom'];
    if (session.state === Pop3State.Authorization) {
      if (!session.secure) caps.push('STLS');
      if (session.plaintextAllowed) caps.push('USER', 'SASL PLAIN');
    }
    await session.send(multiline('Capability list follows', caps));
  },
};
