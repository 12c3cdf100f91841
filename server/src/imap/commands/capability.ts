// CAPABILITY (RFC 3501 6.1.1).
import { ANY, type Handler } from './types.ts';

export const capability: Handler = {
  states: ANY,
  async run(session) {
    await session.untagged(`CAPABILITY ${session.capabilities()}`);
    return { text: 'CAPABILITY completed' };
  },
};
