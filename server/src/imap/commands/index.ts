// Every IMAP command and the states it is valid in (RFC 3501 section 6), by name.
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { capability } from './capability.ts';
import { close } from './close.ts';
import { copy } from './copy.ts';
import { create } from './create.ts';
import { remove } from './delete.ts';
import { enable } from './enable.ts';
import { expunge } from './expunge.ts';
import { fetch } from './fetch.ts';
import { getquota } from './getquota.ts';
import { getquotaroot } from './getquotaroot.ts';
import { setquota } from './setquota.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { list } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { namespace } from './namespace.ts';
import { check, noop } from './noop.ts';
import { rename } from './rename.ts';
import { search } from './search.ts';
import { select } from './select.ts';
import { sort } from './sort.ts';
import { starttls } from './starttls.ts';
import { status } from './status.ts';
import { store } from './store.ts';
import { subscribe } from './subscribe.ts';
import { thread } from './thread.ts';
import type { HandlerTable } from './types.ts';

export type { ImapState } from './types.ts';

export const HANDLERS: HandlerTable = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  AUTHENTICATE: authenticate,
  LOGIN: login,
  ID: id,
  SELECT: select,
  EXAMINE: select,
  CREATE: create,
  DELETE: remove,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: subscribe,
  LIST: list,
  LSUB: list,
  STATUS: status,
  APPEND: append,
  NAMESPACE: namespace,
  ENABLE: enable,
  IDLE: idle,
  CHECK: check,
  CLOSE: close,
  UNSELECT: close,
  EXPUNGE: expunge,
  'UID EXPUNGE': expunge,
  SEARCH: search,
  SORT: sort,
  THREAD: thread,
  FETCH: fetch,
  STORE: store,
  COPY: copy,
  MOVE: copy,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
};
