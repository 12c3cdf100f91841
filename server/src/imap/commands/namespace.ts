// NAMESPACE (RFC 2342): one personal namespace at the root, "/" as the delimiter, nothing shared.
import { LOGGED_IN, type Handler } from './types.ts';

export const namespace: Handler = {
  states: LOGGED_IN,
  async run(session) {
    await session.untagged('NAMESPACE (("" "/")) NIL NIL');
    return { text: 'NAMESPACE completed' };
  },
};
