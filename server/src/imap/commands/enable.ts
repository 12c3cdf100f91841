// ENABLE (RFC 5161). None of the extensions that need enabling (CONDSTORE, QRESYNC, UTF8=ACCEPT) is
// offered yet, so the ENABLED list is always empty, which the RFC allows.
import { AUTHENTICATED_ONLY, type Handler } from './types.ts';

export const enable: Handler = {
  states: AUTHENTICATED_ONLY,
  async run(session) {
    await session.untagged('ENABLED');
    return { text: 'ENABLE completed' };
  },
};
