// Parses one framed command into a typed Command. Syntax only: whether the command is allowed in the
// session's state, and what it does, is decided in ../commands/. A parse error keeps the tag so the
// BAD can be tagged.
import { parseSearchReturn, type SearchReturn } from './search-return.ts';
import { parseAppendMessages, type AppendMessage } from './append-command.ts';
import { parseListArguments, parseStatusItems, type ListArguments } from './list-command.ts';
import type { FlagOperation } from '../../store/mailbox-store.ts';
import { ImapError, bad } from '../errors.ts';
import { mailboxFromWire } from '../mailbox-name.ts';
import { tagOf } from './command-reader.ts';
import { Cursor } from './cursor.ts';
import { parseFetchItems, type FetchItem } from './fetch-items.ts';
import { parseModseq } from './modseq.ts';
import { parseSearch, type SearchKey } from './search-keys.ts';
import { parseSequenceSet, type SequenceSet } from './sequence-set.ts';
import { parseSort, parseThread, type SortCriterion, type ThreadAlgorithm } from './sort-thread.ts';

// SIZE (RFC 8438), DELETED (RFC 9051) and DELETED-STORAGE (RFC 9208, with QUOTA=RES-STORAGE).
export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'SIZE' | 'DELETED' | 'DELETED-STORAGE' | 'HIGHESTMODSEQ';
const STATUS_ITEMS: readonly string[] = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'SIZE', 'DELETED', 'DELETED-STORAGE', 'HIGHESTMODSEQ'];

type NoArgsName = 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'EXPUNGE' | 'IDLE' | 'NAMESPACE';

export type Command =
  | { name: NoArgsName }
  | { name: 'LOGIN'; user: string; password: string }
  | { name: 'AUTHENTICATE'; mechanism: string; initial: string | null }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null }
  | { name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
  | { name: 'CREATE'; mailbox: string; specialUse: string[] }
  | { name: 'RENAME'; from: string; to: string }
  | ({ name: 'LIST' | 'LSUB' } & ListArguments)
  | { name: 'STATUS'; mailbox: string; items: StatusItem[] }
  | { name: 'APPEND'; mailbox: string; messages: AppendMessage[] }
  | { name: 'UID EXPUNGE'; set: SequenceSet }
  | { name: 'SEARCH'; uid: boolean; charset: string; key: SearchKey; returns: SearchReturn[] | null }
  | { name: 'SORT'; uid: boolean; returns: SearchReturn[] | null; criteria: SortCriterion[]; charset: string; key: SearchKey }
  | { name: 'THREAD'; uid: boolean; algorithm: ThreadAlgorithm; charset: string; key: SearchKey }
  | { name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[]; changedSince: number | null; vanished: boolean }
  | { name: 'STORE'; uid: boolean; set: SequenceSet; op: FlagOperation; silent: boolean; flags: string[]; unchangedSince: number | null }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'ID'; params: Array<[string, string | null]> | null }
  | { name: 'ENABLE'; extensions: string[] }
  | { name: 'GETQUOTA'; root: string }
  | { name: 'GETQUOTAROOT'; mailbox: string }
  | { name: 'SETQUOTA'; root: string };

export type CommandName = Command['name'];

/** SELECT's QRESYNC parameter (RFC 7162 3.2.5): what the client last knew. Sequence match data is read and not used. */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
}

export type Parsed = { tag: string; command: Command } | { tag: string; error: ImapError };

const mailbox = (c: Cursor) => mailboxFromWire(c.astring('a mailbox name'), c.utf8Names);
const sequenceSet = (c: Cursor) => parseSequenceSet(c.token('a sequence set'));

type Parser = (c: Cursor, uid: boolean) => Command;

const noArgs =
  (name: NoArgsName): Parser =>
  (c) => {
    c.end();
    return { name };
  };

const oneMailbox =
  (name: 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'): Parser =>
  (c) => {
    c.space();
    const m = mailbox(c);
    c.end();
    return { name, mailbox: m };
  };

/** SELECT and EXAMINE, with the RFC 4466 parameter CONDSTORE (RFC 7162 3.1.8). */
const selectMailbox =
  (name: 'SELECT' | 'EXAMINE'): Parser =>
  (c) => {
    c.space();
    const m = mailbox(c);
    let condstore = false;
    let qresync: QresyncParams | null = null;
    if (c.trySpace()) {
      c.char('(', 'a list of SELECT parameters');
      while (!c.tryChar(')')) {
        if (condstore || qresync) c.space();
        const word = c.atom('a SELECT parameter').toUpperCase();
        if (word === 'CONDSTORE' && !condstore) condstore = true;
        else if (word === 'QRESYNC' && !qresync) qresync = qresyncParams(c);
        else throw bad(`Unexpected modifier ${word.slice(0, 30)}`);
      }
      if (!condstore && !qresync) throw bad('Empty modifier list');
    }
    c.end();
    return { name, mailbox: m, condstore, qresync };
  };

/** ` (uidvalidity modseq [known-uids [(seq-set uid-set)]])` after QRESYNC. */
function qresyncParams(c: Cursor): QresyncParams {
  c.space();
  c.char('(', 'QRESYNC parameters');
  const uidValidity = c.nzNumber('a UIDVALIDITY');
  c.space();
  const modseq = parseModseq(c.atom('a mod-sequence'));
  if (modseq === 0) throw bad('The mod-sequence must be above 0');
  let knownUids: SequenceSet | null = null;
  if (c.trySpace()) {
    if (c.peek() !== 0x28) knownUids = sequenceSet(c);
    if (knownUids === null || c.trySpace()) {
      c.char('(', 'sequence match data');
      sequenceSet(c);
      c.space();
      sequenceSet(c);
      c.char(')');
    }
  }
  c.char(')');
  return { uidValidity, modseq, knownUids };
}

/**
 * RFC 4466 modifiers: ` (NAME [value] ...)`, here the CONDSTORE ones (RFC 7162): CONDSTORE has no value,
 * CHANGEDSINCE and UNCHANGEDSINCE a mod-sequence (0 allowed). Absent: an empty map. `atStart`: the list
 * comes right at the cursor (STORE's, before the flags) rather than after a space.
 */
function modifiers(c: Cursor, allowed: readonly string[], atStart = false): Map<string, number | null> {
  const out = new Map<string, number | null>();
  if (!atStart) {
    const start = c.pos;
    if (!c.trySpace() || c.peek() !== 0x28) {
      c.pos = start;
      return out;
    }
  }
  c.char('(');
  while (!c.tryChar(')')) {
    if (out.size > 0) c.space();
    const name = c.atom('a modifier').toUpperCase();
    if (!allowed.includes(name) || out.has(name)) throw bad(`Unexpected modifier ${name.slice(0, 30)}`);
    if (name === 'CONDSTORE' || name === 'VANISHED') out.set(name, null);
    else {
      c.space();
      out.set(name, parseModseq(c.atom('a mod-sequence')));
    }
  }
  if (out.size === 0) throw bad('Empty modifier list');
  return out;
}

function status(c: Cursor): Command {
  c.space();
  const m = mailbox(c);
  c.space();
  const items = parseStatusItems(c, STATUS_ITEMS) as StatusItem[];
  c.end();
  return { name: 'STATUS', mailbox: m, items };
}

function append(c: Cursor): Command {
  c.space();
  const m = mailbox(c);
  return { name: 'APPEND', mailbox: m, messages: parseAppendMessages(c) };
}

/** CREATE name [(USE (\\Drafts ...))] (RFC 6154 section 3, CREATE-SPECIAL-USE). */
function create(c: Cursor): Command {
  c.space();
  const m = mailbox(c);
  const specialUse: string[] = [];
  if (c.trySpace()) {
    c.char('(', 'CREATE parameters');
    if (!c.tryKeyword('USE')) throw bad('The only CREATE parameter is USE (RFC 6154)');
    c.space();
    c.char('(', 'a list of special-use attributes');
    while (!c.tryChar(')')) {
      if (specialUse.length > 0) c.space();
      specialUse.push(c.flag());
    }
    c.char(')');
  }
  c.end();
  return { name: 'CREATE', mailbox: m, specialUse };
}

/** GETQUOTA and SETQUOTA name a quota root; GETQUOTAROOT a mailbox (RFC 9208 section 4). */
function quotaRoot(c: Cursor): string {
  c.space();
  return c.astring('a quota root').toString('utf8');
}

function store(c: Cursor, uid: boolean): Command {
  c.space();
  const set = sequenceSet(c);
  c.space();
  const unchangedSince = c.peek() === 0x28 ? (modifiers(c, ['UNCHANGEDSINCE'], true).get('UNCHANGEDSINCE') ?? null) : null;
  if (unchangedSince !== null) c.space();
  const what = c.atom('+FLAGS, -FLAGS or FLAGS').toUpperCase();
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(what);
  if (!m) throw bad('Expected FLAGS, +FLAGS or -FLAGS');
  c.space();
  let flags: string[];
  if (c.peek() === 0x28) flags = c.flagList();
  else {
    flags = [c.flag()];
    while (c.trySpace()) flags.push(c.flag());
  }
  c.end();
  const op = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
  return { name: 'STORE', uid, set, op, silent: m[2] !== undefined, flags, unchangedSince };
}

function id(c: Cursor): Command {
  c.space();
  if (c.tryKeyword('NIL')) {
    c.end();
    return { name: 'ID', params: null };
  }
  c.char('(', 'a parameter list or NIL');
  const params: Array<[string, string | null]> = [];
  while (!c.tryChar(')')) {
    if (params.length > 0) c.space();
    const key = c.string().toString('utf8');
    c.space();
    const value = c.tryKeyword('NIL') ? null : c.string().toString('utf8');
    params.push([key, value]);
    if (params.length > 30) throw bad('Too many ID parameters');
  }
  c.end();
  return { name: 'ID', params };
}

const PARSERS: Record<string, Parser> = {
  CAPABILITY: noArgs('CAPABILITY'),
  NOOP: noArgs('NOOP'),
  LOGOUT: noArgs('LOGOUT'),
  STARTTLS: noArgs('STARTTLS'),
  CHECK: noArgs('CHECK'),
  CLOSE: noArgs('CLOSE'),
  UNSELECT: noArgs('UNSELECT'),
  IDLE: noArgs('IDLE'),
  NAMESPACE: noArgs('NAMESPACE'),
  LOGIN(c) {
    c.space();
    const user = c.astring('a user name').toString('utf8');
    c.space();
    const password = c.astring('a password').toString('utf8');
    c.end();
    return { name: 'LOGIN', user, password };
  },
  AUTHENTICATE(c) {
    c.space();
    const mechanism = c.atom('a SASL mechanism').toUpperCase();
    const initial = c.trySpace() ? c.token('an initial response') : null;
    c.end();
    return { name: 'AUTHENTICATE', mechanism, initial };
  },
  SELECT: selectMailbox('SELECT'),
  EXAMINE: selectMailbox('EXAMINE'),
  CREATE: create,
  DELETE: oneMailbox('DELETE'),
  SUBSCRIBE: oneMailbox('SUBSCRIBE'),
  UNSUBSCRIBE: oneMailbox('UNSUBSCRIBE'),
  RENAME(c) {
    c.space();
    const from = mailbox(c);
    c.space();
    const to = mailbox(c);
    c.end();
    return { name: 'RENAME', from, to };
  },
  LIST: (c) => ({ name: 'LIST', ...parseListArguments(c, STATUS_ITEMS) }),
  LSUB: (c) => list(c, 'LSUB'),
  STATUS: status,
  APPEND: append,
  EXPUNGE(c, uid) {
    if (!uid) {
      c.end();
      return { name: 'EXPUNGE' };
    }
    c.space();
    const set = sequenceSet(c);
    c.end();
    return { name: 'UID EXPUNGE', set };
  },
  SEARCH(c, uid) {
    c.space();
    const returns = parseSearchReturn(c);
    return { name: 'SEARCH', uid, returns, ...parseSearch(c) };
  },
  SORT: (c, uid) => ({ name: 'SORT', uid, ...parseSort(c) }),
  THREAD: (c, uid) => ({ name: 'THREAD', uid, ...parseThread(c) }),
  FETCH(c, uid) {
    c.space();
    const set = sequenceSet(c);
    c.space();
    const items = parseFetchItems(c);
    const mods = modifiers(c, uid ? ['CHANGEDSINCE', 'VANISHED'] : ['CHANGEDSINCE']);
    const changedSince = mods.get('CHANGEDSINCE') ?? null;
    // RFC 7162 3.2.6: VANISHED only with CHANGEDSINCE.
    if (mods.has('VANISHED') && changedSince === null) throw bad('VANISHED needs CHANGEDSINCE');
    c.end();
    return { name: 'FETCH', uid, set, items, changedSince, vanished: mods.has('VANISHED') };
  },
  STORE: store,
  COPY: (c, uid) => copyOrMove(c, uid, 'COPY'),
  MOVE: (c, uid) => copyOrMove(c, uid, 'MOVE'),
  ID: id,
  ENABLE(c) {
    const extensions: string[] = [];
    while (c.trySpace()) extensions.push(c.atom('a capability name').toUpperCase());
    if (extensions.length === 0) throw bad('ENABLE needs at least one capability');
    c.end();
    return { name: 'ENABLE', extensions };
  },
  GETQUOTA(c) {
    const root = quotaRoot(c);
    c.end();
    return { name: 'GETQUOTA', root };
  },
  GETQUOTAROOT(c) {
    c.space();
    const m = mailbox(c);
    c.end();
    return { name: 'GETQUOTAROOT', mailbox: m };
  },
  SETQUOTA(c) {
    // Parsed only far enough to answer: limits are the administrator's (mailroom quota set).
    return { name: 'SETQUOTA', root: quotaRoot(c) };
  },
};

const UID_COMMANDS = new Set(['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE', 'SORT', 'THREAD']);

/** LSUB takes no RFC 5258 options. */
function list(c: Cursor, name: 'LSUB'): Command {
  const args = parseListArguments(c, STATUS_ITEMS);
  if (args.extended) throw bad('LSUB takes one pattern and no options; use LIST (SUBSCRIBED)');
  return { name, ...args };
}

function copyOrMove(c: Cursor, uid: boolean, name: 'COPY' | 'MOVE'): Command {
  c.space();
  const set = sequenceSet(c);
  c.space();
  const m = mailbox(c);
  c.end();
  return { name, uid, set, mailbox: m };
}

/** `utf8Names`: the session enabled IMAP4rev2, so mailbox names are UTF-8 (RFC 9051 5.1). */
export function parseCommand(data: Buffer, utf8Names = false): Parsed {
  const tag = tagOf(data);
  if (tag === null) return { tag: '*', error: bad('Missing or invalid tag') };
  const c = new Cursor(data);
  c.utf8Names = utf8Names;
  c.pos = tag.length + 1;
  try {
    let name = c.atom('a command name').toUpperCase();
    let uid = false;
    if (name === 'UID') {
      c.space();
      name = c.atom('a command name').toUpperCase();
      if (!UID_COMMANDS.has(name)) throw bad(`UID ${name.slice(0, 30)} is not a command`);
      uid = true;
    }
    const parser = PARSERS[name];
    if (!parser) throw bad(`Unknown command ${name.slice(0, 30)}`);
    return { tag, command: parser(c, uid) };
  } catch (err) {
    if (err instanceof ImapError) return { tag, error: err };
    throw err;
  }
}
