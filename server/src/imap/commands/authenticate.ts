// AUTHENTICATE PLAIN (RFC 3501 6.2.2, RFC 4616), with an initial response (SASL-IR, RFC 4959).
import { decodePlain } from '../../auth/sasl-plain.ts';
import { bad, no } from '../errors.ts';
import { AUTH_LINE_MAX_BYTES } from '../limits.ts';
import { logIn } from './login-flow.ts';
import { NOT_LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const authenticate: Handler<CommandOf<'AUTHENTICATE'>> = {
  states: NOT_LOGGED_IN,
  async run(session, command, tag) {
    if (command.mechanism !== 'PLAIN') throw no(`Unsupported authentication mechanism ${command.mechanism.slice(0, 30)}`, 'CANNOT');
    if (!session.plaintextAllowed) throw no('PLAIN is disabled without TLS; use STARTTLS first', 'PRIVACYREQUIRED');
    let response = command.initial;
    if (response === null) {
      await session.write('+ \r\n');
      response = await session.readLine(AUTH_LINE_MAX_BYTES);
      if (response === null) throw bad('Authentication response missing or too long');
    } else if (response === '=') {
      response = ''; // RFC 4959: "=" is an empty initial response
    }
    if (response.trim() === '*') throw bad('Authentication cancelled');
    const plain = decodePlain(response);
    if (!plain.ok) throw bad(`Authentication failed: ${plain.reason}`);
    return logIn(session, tag, plain.user, plain.password);
  },
};
