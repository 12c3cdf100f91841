// SETQUOTA (RFC 9208 4.2.3): limits are set by the administrator (`mailroom quota set`, the admin API), not
// by the user they limit, so QUOTASET is not announced and SETQUOTA is refused.
import { no } from '../errors.ts';
import { LOGGED_IN, type CommandOf, type Handler } from './types.ts';

export const setquota: Handler<CommandOf<'SETQUOTA'>> = {
  states: LOGGED_IN,
  async run() {
    throw no('Quotas are set by the administrator (mailroom quota set)', 'NOPERM');
  },
};
