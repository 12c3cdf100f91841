// ID (RFC 2971): the client says who it is (logged, handy when a client misbehaves); we answer in kind.
import { ANY, type CommandOf, type Handler } from './types.ts';

export const id: Handler<CommandOf<'ID'>> = {
  states: ANY,
  async run(session, command) {
    if (command.params) session.log.debug({ client: Object.fromEntries(command.params.map(([k, v]) => [k.slice(0, 30), v?.slice(0, 100) ?? null])) }, 'client id');
    await session.untagged('ID ("name" "Mailroom" "vendor" "Mailroom")');
    return { text: 'ID completed' };
  },
};
