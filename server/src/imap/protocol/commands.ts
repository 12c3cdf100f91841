// Parses one framed command into a typed Command. Syntax only: whether the command is allowed in the
// session's state, and what it does, is decided in ../commands/. A parse error keeps the tag so the
// BAD can be tagged.
import { parseSearchReturn, type SearchReturn } from './search-return.ts';
import type { FlagOperation } from '../../store/mailbox-store.ts';
import { ImapError, bad } from '../errors.ts';
import { mailboxFromWire } from '../mailbox-name.ts';
import { tagOf } from './command-reader.ts';
import { Cursor } from './cursor.ts';
import { parseDateTime } from './date-time.ts';
import { parseFetchItems, type FetchItem } from './fetch-items.ts';
import { parseModseq } from './modseq.ts';
import { parseSearch, type SearchKey } from './search-keys.ts';
import { parseSequenceSet, type SequenceSet } from './sequence-set.ts';
import { parseSort, parseThread, type SortCriterion, type ThreadAlgorithm } from './sort-thread.ts';

export type StatusItem = 'MESSAGES' | 'RECENT' | 'UIDNEXT' | 'UIDVALIDITY' | 'UNSEEN' | 'HIGHESTMODSEQ';
const STATUS_ITEMS: readonly string[] = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ'];

type NoArgsName = 'CAPABILITY' | 'NOOP' | 'LOGOUT' | 'STARTTLS' | 'CHECK' | 'CLOSE' | 'UNSELECT' | 'EXPUNGE' | 'IDLE' | 'NAMESPACE';

export type Command =
  | { name: NoArgsName }
  | { name: 'LOGIN'; user: string; password: string }
  | { name: 'AUTHENTICATE'; mechanism: string; initial: string | null }
  | { name: 'SELECT' | 'EXAMINE'; mailbox: string; condstore: boolean; qresync: QresyncParams | null }
  | { name: 'CREATE' | 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'; mailbox: string }
  | { name: 'RENAME'; from: string; to: string }
  | { name: 'LIST' | 'LSUB'; reference: string; pattern: string }
  | { name: 'STATUS'; mailbox: string; items: StatusItem[] }
  | { name: 'APPEND'; mailbox: string; flags: string[]; date: number | null; message: Buffer }
  | { name: 'UID EXPUNGE'; set: SequenceSet }
  | { name: 'SEARCH'; uid: boolean; charset: string; key: SearchKey; returns: SearchReturn[] | null }
  | { name: 'SORT'; uid: boolean; criteria: SortCriterion[]; charset: string; key: SearchKey }
  | { name: 'THREAD'; uid: boolean; algorithm: ThreadAlgorithm; charset: string; key: SearchKey }
  | { name: 'FETCH'; uid: boolean; set: SequenceSet; items: FetchItem[]; changedSince: number | null; vanished: boolean }
  | { name: 'STORE'; uid: boolean; set: SequenceSet; op: FlagOperation; silent: boolean; flags: string[]; unchangedSince: number | null }
  | { name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }
  | { name: 'ID'; params: Array<[string, string | null]> | null }
  | { name: 'ENABLE'; extensions: string[] };

export type CommandName = Command['name'];

/** SELECT's QRESYNC parameter (RFC 7162 3.2.5): what the client last knew. Sequence match data is read and not used. */
export interface QresyncParams {
  uidValidity: number;
  modseq: number;
  knownUids: SequenceSet | null;
}

export type Parsed = { tag: string; command: Command } | { tag: string; error: ImapError };

const mailbox = (c: Cursor) => mailboxFromWire(c.astring('a mailbox name'));
const sequenceSet = (c: Cursor) => parseSequenceSet(c.token('a sequence set'));

type Parser = (c: Cursor, uid: boolean) => Command;

const noArgs =
  (name: NoArgsName): Parser =>
  (c) => {
    c.end();
    return { name };
  };

const oneMailbox =
  (name: 'CREATE' | 'DELETE' | 'SUBSCRIBE' | 'UNSUBSCRIBE'): Parser =>
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
  c.char('(', 'a list of status items');
  const items: StatusItem[] = [];
  while (!c.tryChar(')')) {
    if (items.length > 0) c.space();
    const item = c.atom('a status item').toUpperCase();
    if (!STATUS_ITEMS.includes(item)) throw bad(`Unknown status item "${item.slice(0, 30)}"`);
    items.push(item as StatusItem);
  }
  if (items.length === 0) throw bad('Empty status item list');
  c.end();
  return { name: 'STATUS', mailbox: m, items };
}

function append(c: Cursor): Command {
  c.space();
  const m = mailbox(c);
  c.space();
  let flags: string[] = [];
  let date: number | null = null;
  if (c.peek() === 0x28) {
    flags = c.flagList();
    c.space();
  }
  if (c.peek() === 0x22) {
    date = parseDateTime(c.quoted().toString('latin1'));
    c.space();
  }
  const message = c.peek() === 0x7b ? c.literal() : c.string();
  // MULTIAPPEND (RFC 3502) is not offered, so one message per APPEND.
  c.end();
  return { name: 'APPEND', mailbox: m, flags, date, message };
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
  CREATE: oneMailbox('CREATE'),
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
  LIST: (c) => list(c, 'LIST'),
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
};

const UID_COMMANDS = new Set(['COPY', 'MOVE', 'FETCH', 'SEARCH', 'STORE', 'EXPUNGE', 'SORT', 'THREAD']);

function list(c: Cursor, name: 'LIST' | 'LSUB'): Command {
  c.space();
  if (c.peek() === 0x28) throw bad('LIST selection options (RFC 5258) are not supported');
  const reference = mailboxFromWire(c.astring('a reference name'));
  c.space();
  const pattern = mailboxFromWire(c.listMailbox());
  if (!c.done) throw bad('LIST return options (RFC 5258) are not supported');
  return { name, reference, pattern };
}

function copyOrMove(c: Cursor, uid: boolean, name: 'COPY' | 'MOVE'): Command {
  c.space();
  const set = sequenceSet(c);
  c.space();
  const m = mailbox(c);
  c.end();
  return { name, uid, set, mailbox: m };
}

export function parseCommand(data: Buffer): Parsed {
  const tag = tagOf(data);
  if (tag === null) return { tag: '*', error: bad('Missing or invalid tag') };
  const c = new Cursor(data);
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
