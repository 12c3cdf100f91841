// AUTH PLAIN [initial-response] (RFC 5034). Without a mechanism, lists the mechanisms, as clients of
// the older RFC 1734 expect.
import { decodePlain } from '../../auth/sasl-plain.ts';
import { Pop3Error, multiline } from '../reply.ts';
import { Pop3State } from '../state.ts';
import { logIn } from './login.ts';
import type { Pop3CommandSpec } from './types.ts';

export const auth: Pop3CommandSpec = {
  name: 'AUTH',
  states: [Pop3State.Authorization],
  async run(session, command) {
    const [mechanism, initial, extra] = command.args;
    if (mechanism === undefined) {
      await session.send(multiline('Supported mechanisms follow', session.plaintextAllowed ? ['PLAIN'] : []));
      return;
    }
    if (mechanism.toUpperCase() !== 'PLAIN' || extra !== undefined) throw new Pop3Error('Unsupported authentication mechanism');
    if (!session.plaintextAllowed) throw new Pop3Error('PLAIN is not allowed without TLS; use STLS first', 'AUTH');
    let response = initial;
    if (response === undefined) {
      await session.send('+ \r\n');
      const line = await session.readSaslLine();
      if (line === null) throw new Pop3Error('Authentication response missing or too long');
      response = line;
    } else if (response === '=') {
      response = ''; // RFC 5034 section 4: "=" is an empty initial response
    }
    if (response.trim() === '*') throw new Pop3Error('Authentication cancelled');
    const plain = decodePlain(response);
    if (!plain.ok) throw new Pop3Error(`Authentication failed: ${plain.reason}`, 'AUTH');
    await logIn(session, plain.user, plain.password);
  },
};
