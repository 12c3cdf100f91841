// IDLE (RFC 2177): the session reports changes as they happen until the client sends DONE.
import { bad } from '../errors.ts';
import { LOGGED_IN, type Handler } from './types.ts';

export const idle: Handler = {
  states: LOGGED_IN,
  async run(session) {
    await session.write('+ idling\r\n');
    const line = await session.idle();
    if (line === null) return 'done';
    if (line.trim().toUpperCase() !== 'DONE') throw bad('Expected DONE to end IDLE');
    return { text: 'IDLE terminated' };
  },
};
