// NOOP (RFC 3501 6.1.2) and CHECK (6.4.1): nothing to do; the session's sync after every command
// reports what changed, which is what clients poll with them for. Every change is already durable.
import { ANY, SELECTED, type Handler } from './types.ts';

export const noop: Handler = {
  states: ANY,
  async run() {
    return { text: 'NOOP completed' };
  },
};

export const check: Handler = {
  states: SELECTED,
  async run() {
    return { text: 'CHECK completed' };
  },
};
