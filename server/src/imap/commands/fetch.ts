// FETCH and UID FETCH (RFC 3501 6.4.5). Reading a body section without .PEEK sets \Seen, for all the
// messages at once before any response, so each response can carry the new flags.
// One message at a time: its content is read, its response written as pieces (the body is never copied
// into a reply Buffer) with the session's back-pressure, and only then is the next message read. So a
// client that does not read holds one message and net/'s output cap, however many it asked for.
// Each step (reading a message, parsing it) first waits its turn of the event loop (util/event-loop-turns.ts),
// so many such FETCHes at once never hold the loop for long; and the MIME structure is parsed only for
// items that need it: BODY[], BODY.PEEK[], RFC822 and RFC822.SIZE are the stored bytes or their count.
// ENVELOPE, BODYSTRUCTURE, BODY and the message's header are kept in the store once computed
// (../stored-facts.ts): a FETCH whose content items are only these (the header whole or some of its fields)
// reads them for a batch of messages in one query and no message content.
import { bad } from '../errors.ts';
import { bodyStructure } from '../mime/body-structure.ts';
import { vanished } from '../protocol/vanished.ts';
import { envelope } from '../mime/envelope.ts';
import { factsOf } from '../stored-facts.ts';
import { parseMessage, type MimePart } from '../mime/part.ts';
import { sectionBytes } from '../mime/section.ts';
import { binaryContent } from '../mime/binary.ts';
import { no } from '../errors.ts';
import { takeTurn } from '../../util/event-loop-turns.ts';
import { formatDateTime } from '../protocol/date-time.ts';
import { binaryLabel, sectionLabel, type FetchItem } from '../protocol/fetch-items.ts';
import { NIL, join, literalParts, text, type Wire } from '../protocol/response.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';
import type { ImapContext } from './context.ts';
import type { StoredMail } from '../../store/types.ts';
import type { ImapFactName, ImapFacts } from '../../store/mailbox-store.ts';
import { SELECTED, type CommandOf, type Handler } from './types.ts';

const NEEDS_CONTENT = new Set<FetchItem['kind']>(['ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT', 'SECTION', 'BINARY']);

/** BINARY.SIZE[] is the stored size; of a part, the decoded size, which needs the content. */
const needsContent = (it: FetchItem) => NEEDS_CONTENT.has(it.kind) || (it.kind === 'BINARY.SIZE' && it.path.length > 0);

const SPACE = text(' ');

const setsSeen = (item: FetchItem) => item.kind === 'RFC822' || item.kind === 'RFC822.TEXT' || ((item.kind === 'SECTION' || item.kind === 'BINARY') && !item.peek);

function slice(bytes: Buffer, partial: { start: number; length: number } | undefined): Buffer {
  return partial ? bytes.subarray(Math.min(partial.start, bytes.length), Math.min(partial.start + partial.length, bytes.length)) : bytes;
}

/** Whether the item needs the message's MIME structure (a whole-message section is the stored bytes). */
function needsStructure(it: FetchItem): boolean {
  if (it.kind === 'SECTION') return it.section.path.length > 0 || it.section.text !== undefined;
  if (it.kind === 'BINARY' || it.kind === 'BINARY.SIZE') return it.path.length > 0;
  return it.kind !== 'RFC822' && NEEDS_CONTENT.has(it.kind);
}

/** A message's stored bytes, with its MIME structure when some item of this FETCH needs it (parsed once). */
class Content {
  constructor(
    readonly buf: Buffer,
    private readonly parsed: MimePart | null,
  ) {}

  get root(): MimePart {
    if (!this.parsed) throw new Error('FETCH: an item needs the MIME structure, which needsStructure() did not ask for');
    return this.parsed;
  }
}

/** A part's decoded content, or NO [UNKNOWN-CTE] when its encoding is not one we can undo (RFC 3516 4.3). */
function binary(m: Content, path: readonly number[]): Buffer | null {
  const content = path.length === 0 ? m.buf : binaryContent(m.buf, m.root, path);
  if (content === 'unknown-cte') throw no(`Part ${path.join('.')} has a Content-Transfer-Encoding the server cannot decode`, 'UNKNOWN-CTE');
  return content === 'missing' ? null : content;
}

/** Decoded content may hold NUL, which only a literal8 may carry (RFC 3516 4.2). */
const binaryLiteral = (b: Buffer): Wire[] => (b.includes(0) ? [text(`~{${b.length}}\r\n`), b] : literalParts(b));

/** Items the store keeps (../stored-facts.ts). */
const STORED = new Set<FetchItem['kind']>(['ENVELOPE', 'BODYSTRUCTURE', 'BODY']);

/**
 * The message's own header, whole or some of its fields: served from the header the store keeps with the
 * facts, so a client listing a mailbox (Thunderbird asks BODY.PEEK[HEADER.FIELDS (From To Subject ...)] of
 * every message) never reads the messages' bodies.
 */
const isHeaderSection = (it: FetchItem) =>
  it.kind === 'RFC822.HEADER' ||
  (it.kind === 'SECTION' && it.section.path.length === 0 && (it.section.text === 'HEADER' || it.section.text === 'HEADER.FIELDS' || it.section.text === 'HEADER.FIELDS.NOT'));
const fromFacts = (it: FetchItem) => STORED.has(it.kind) || isHeaderSection(it);

/** Messages whose facts are read from the store at a time: one query each, and bounded memory. */
const FACTS_BATCH = 256;

/** One FETCH data item as pieces to send one after the other. */
function item(it: FetchItem, uid: number, mail: StoredMail, selected: SelectedMailbox, content: Content | null, stored: Partial<ImapFacts> | undefined): Wire[] {
  const m = content!;
  switch (it.kind) {
    case 'UID':
      return [text(`UID ${uid}`)];
    case 'MODSEQ':
      return [text(`MODSEQ (${selected.modseqOf(uid)})`)];
    case 'FLAGS':
      return [text(`FLAGS (${selected.flagsOf(uid).join(' ')})`)];
    case 'INTERNALDATE':
      return [text(`INTERNALDATE "${formatDateTime(mail.internalDate)}"`)];
    case 'RFC822.SIZE':
      return [text(`RFC822.SIZE ${mail.size}`)];
    case 'ENVELOPE':
      return [join([text('ENVELOPE'), stored?.envelope ?? envelope(m.root.fields)])];
    case 'BODYSTRUCTURE':
      return [join([text('BODYSTRUCTURE'), stored?.bodyStructure ?? bodyStructure(m.buf, m.root, true)])];
    case 'BODY':
      return [join([text('BODY'), stored?.body ?? bodyStructure(m.buf, m.root, false)])];
    case 'RFC822':
      return [text('RFC822 '), ...literalParts(m.buf)];
    case 'RFC822.HEADER':
      return [text('RFC822.HEADER '), ...literalParts(m.buf.subarray(m.root.start, m.root.bodyStart))];
    case 'RFC822.TEXT':
      return [text('RFC822.TEXT '), ...literalParts(m.buf.subarray(m.root.bodyStart, m.root.end))];
    case 'BINARY': {
      const bytes = binary(m, it.path);
      return [text(`${binaryLabel(it)} `), ...(bytes === null ? [NIL] : binaryLiteral(slice(bytes, it.partial)))];
    }
    case 'BINARY.SIZE': {
      if (it.path.length === 0) return [text(`${binaryLabel(it)} ${mail.size}`)];
      const bytes = binary(m, it.path);
      return [text(`${binaryLabel(it)} ${bytes === null ? 0 : bytes.length}`)];
    }
    case 'SECTION': {
      if (!needsStructure(it)) return [text(`${sectionLabel(it)} `), ...literalParts(slice(m.buf, it.partial))];
      const bytes = sectionBytes(m.buf, m.root, it.section);
      return [text(`${sectionLabel(it)} `), ...(bytes === null ? [NIL] : literalParts(slice(bytes, it.partial)))];
    }
  }
}

/**
 * CONDSTORE on for the connection and the selected mailbox. Turned on by a command while the mailbox is
 * selected, the server must name the mailbox's HIGHESTMODSEQ before that command's tagged reply (RFC 7162
 * 3.1): a client that never sent ENABLE or SELECT (CONDSTORE) learns where to resync from here.
 */
export async function enableCondstore(session: ImapContext, selected: SelectedMailbox): Promise<void> {
  const first = !selected.condstore;
  session.condstore = true;
  selected.condstore = true;
  if (first) await session.untagged(`OK [HIGHESTMODSEQ ${selected.highestModseq}] Highest`);
}

async function markSeen(session: ImapContext, selected: SelectedMailbox, uids: readonly number[]): Promise<Set<number>> {
  const unseen = uids.filter((uid) => !selected.isExpunged(uid) && !selected.hasFlag(uid, '\\Seen'));
  if (unseen.length === 0) return new Set();
  const changed = await session.store.setFlags(selected.info.id, unseen, 'add', ['\\Seen']);
  selected.applyChanges(changed);
  return new Set(changed.map((m) => m.uid));
}

/** The facts of these UIDs' messages, by store id (one read; messages never fetched before are parsed once). */
async function batchFacts(session: ImapContext, selected: SelectedMailbox, uids: readonly number[], fields: readonly ImapFactName[]): Promise<Map<number, Partial<ImapFacts>>> {
  const ids = uids.flatMap((uid) => {
    const mail = selected.get(uid);
    return mail && !selected.isExpunged(uid) ? [mail.id] : [];
  });
  return factsOf(session.store, ids, () => session.closed, fields);
}

/** The stored facts the items of a FETCH served from facts read. */
function factFields(items: readonly FetchItem[]): ImapFactName[] {
  const kinds = new Set(items.map((i) => i.kind));
  const fields: ImapFactName[] = [];
  if (kinds.has('ENVELOPE')) fields.push('envelope');
  if (kinds.has('BODYSTRUCTURE')) fields.push('bodyStructure');
  if (kinds.has('BODY')) fields.push('body');
  if (items.some(isHeaderSection)) fields.push('header');
  return fields;
}

export const fetch: Handler<CommandOf<'FETCH'>> = {
  states: SELECTED,
  async run(session, command) {
    const selected = session.selected!;
    let uids = selected.resolve(command.set, command.uid);
    let items = command.uid && !command.items.some((i) => i.kind === 'UID') ? [{ kind: 'UID' } as FetchItem, ...command.items] : command.items;
    // MODSEQ or CHANGEDSINCE turn CONDSTORE on (RFC 7162 3.1); CHANGEDSINCE implies MODSEQ (3.1.4.1).
    if (command.changedSince !== null || items.some((i) => i.kind === 'MODSEQ')) await enableCondstore(session, selected);
    if (command.changedSince !== null) {
      const since = command.changedSince;
      uids = uids.filter((uid) => selected.modseqOf(uid) > since);
      if (!items.some((i) => i.kind === 'MODSEQ')) items = [...items, { kind: 'MODSEQ' }];
    }
    // UID FETCH (CHANGEDSINCE n VANISHED), QRESYNC only (RFC 7162 3.2.6): the UIDs of the set that are gone, first.
    if (command.vanished) {
      if (!session.qresync) throw bad('VANISHED needs QRESYNC enabled');
      const line = vanished(selected.vanishedIn(command.set), true);
      if (line) await session.untagged(line);
    }
    // Whether the facts come from the store: when nothing else of this FETCH needs the content.
    const storedFacts = items.some(fromFacts) && !items.some((i) => !fromFacts(i) && needsContent(i));
    const headerFromFacts = storedFacts && items.some(isHeaderSection);
    const readsContent = !storedFacts && items.some(needsContent);
    const needsParse = !storedFacts && items.some(needsStructure);
    const marked = !selected.readOnly && items.some(setsSeen) ? await markSeen(session, selected, uids) : new Set<number>();
    const withFlags = items.some((i) => i.kind === 'FLAGS') ? items : [...items, { kind: 'FLAGS' } as FetchItem];
    let missing = false;
    const fields = storedFacts ? factFields(items) : [];
    let facts = new Map<number, Partial<ImapFacts>>();
    for (const [index, uid] of uids.entries()) {
      // The client went away (or stopped reading and was closed): the rest would go nowhere.
      if (session.closed) break;
      if (storedFacts && index % FACTS_BATCH === 0) facts = await batchFacts(session, selected, uids.slice(index, index + FACTS_BATCH), fields);
      const mail = selected.get(uid);
      if (!mail || selected.isExpunged(uid) || (storedFacts && !facts.has(mail.id))) {
        missing = true;
        continue;
      }
      let content: Content | null = null;
      if (readsContent) {
        await takeTurn();
        if (session.closed) break;
        const buf = await session.store.readMail(mail.id);
        if (!buf) {
          missing = true;
          continue;
        }
        if (needsParse) await takeTurn();
        content = new Content(buf, needsParse ? parseMessage(buf) : null);
      } else if (headerFromFacts) {
        // The stored header parses as a message of its own with an empty body: the same fields and bytes.
        const header = facts.get(mail.id)!.header!;
        content = new Content(header, parseMessage(header));
      }
      const wanted = marked.has(uid) ? withFlags : items;
      // FLAGS come from the shared view as it is now: while this FETCH waited (a read, a slow client),
      // another session may have given it a keyword this client has not been told of (RFC 3501 7.2.6).
      if (wanted.some((i) => i.kind === 'FLAGS')) for (const line of selected.takeNewKeywords()) await session.untagged(line);
      const parts: Wire[] = [text(`${selected.seqOf(uid)} FETCH (`)];
      wanted.forEach((it, i) => parts.push(...(i > 0 ? [SPACE] : []), ...item(it, uid, mail, selected, content, facts.get(mail.id))));
      parts.push(text(')'));
      await session.untagged(parts);
    }
    // RFC 5530: some of the messages were expunged by another session and can no longer be read.
    return missing ? { code: 'EXPUNGEISSUED', text: 'Some messages were expunged meanwhile' } : { text: 'FETCH completed' };
  },
};
