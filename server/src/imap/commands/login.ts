// LOGIN (RFC 3501 6.2.3): refused in the clear off loopback, where LOGINDISABLED is announced.
import { no } from '../errors.ts';
import { logIn } from './login-flow.ts';
import { NOT_LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const login: Handler<CommandOf<'LOGIN'>> = {
  states: NOT_LOGGED_IN,
  async run(session, command, tag) {
    if (!session.plaintextAllowed) throw no('Plaintext login is disabled without TLS; use STARTTLS first', 'PRIVACYREQUIRED');
    return logIn(session, tag, command.user, command.password);
  },
};
