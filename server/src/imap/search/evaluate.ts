// Evaluates SEARCH criteria against the selected mailbox. Flags, sizes and dates come from the
// session's state; content is read and parsed only for criteria that need it, once per message.
import type { StoredMail } from '../../store/types.ts';
import { ADDRESS_FIELDS, addressText } from './address-text.ts';
import { bodyText, decodeHeaderValue, headerText } from '../mime/decode.ts';
import { fieldValue } from '../mime/header.ts';
import { parseMessage, type MimePart } from '../mime/part.ts';
import { dayOf, headerDay, type Day } from '../protocol/date-time.ts';
import type { SearchKey } from '../protocol/search-keys.ts';
import { wireModseq } from '../protocol/modseq.ts';
import { SAVED_RESULT, matcher } from '../protocol/sequence-set.ts';
import type { SelectedMailbox } from '../selected-mailbox.ts';

export interface SearchScope {
  selected: SelectedMailbox;
  readMail(id: number): Promise<Buffer | null>;
  /**
   * The message's header section alone (the store keeps it with the IMAP facts), for the keys that look at
   * header fields only (FROM, SUBJECT, HEADER, SENTBEFORE...): they then read no message body. Without it
   * they parse the message.
   */
  readHeader?(id: number): Promise<Buffer | null>;
  /**
   * The header sections of many messages at once (by store id; a message gone is absent): when the keys
   * look at header fields, SEARCH reads them a batch at a time, one store query each, rather than one
   * query a message (a round trip each on PostgreSQL).
   */
  readHeaders?(ids: readonly number[]): Promise<Map<number, Buffer>>;
}

/** Messages whose headers are read at a time when the keys need them. */
const HEADER_BATCH = 256;

class Candidate {
  private parsed: { buf: Buffer; root: MimePart } | null | undefined;
  private headerFields: MimePart['fields'] | null | undefined;

  constructor(
    readonly seq: number,
    readonly mail: StoredMail,
    private readonly scope: SearchScope,
    /** The header read beforehand with others (null: the message is gone); undefined: read when needed. */
    private readonly header?: Buffer | null,
  ) {}

  async message(): Promise<{ buf: Buffer; root: MimePart } | null> {
    if (this.parsed === undefined) {
      const buf = await this.scope.readMail(this.mail.id);
      this.parsed = buf ? { buf, root: parseMessage(buf) } : null;
    }
    return this.parsed;
  }

  /** The message's header fields, from its kept header when there is one, else from the message. */
  async fields(): Promise<MimePart['fields'] | null> {
    if (this.headerFields === undefined) {
      if (this.header !== undefined) this.headerFields = this.header ? parseMessage(this.header).fields : null;
      else if (this.parsed === undefined && this.scope.readHeader) {
        const header = await this.scope.readHeader(this.mail.id);
        this.headerFields = header ? parseMessage(header).fields : null;
      } else this.headerFields = (await this.message())?.root.fields ?? null;
    }
    return this.headerFields;
  }
}

const contains = (haystack: string, needle: string) => haystack.toLowerCase().includes(needle.toLowerCase());

function compareDay(day: Day, op: 'before' | 'on' | 'since', wanted: Day): boolean {
  return op === 'before' ? day < wanted : op === 'on' ? day === wanted : day >= wanted;
}

async function matches(key: SearchKey, c: Candidate, scope: SearchScope): Promise<boolean> {
  const { selected } = scope;
  const uid = c.mail.uid;
  switch (key.kind) {
    case 'all':
      return true;
    case 'flag':
      return selected.hasFlag(uid, key.flag) === key.present;
    case 'recent':
      return selected.isRecent(uid);
    case 'new':
      return selected.isRecent(uid) && !selected.hasFlag(uid, '\\Seen');
    case 'old':
      return !selected.isRecent(uid);
    case 'size':
      return key.op === 'larger' ? c.mail.size > key.octets : c.mail.size < key.octets;
    case 'seq':
      if (key.set === SAVED_RESULT) return selected.savedResult.has(uid);
      return matcher(key.set, selected.count)(c.seq);
    case 'uid': {
      if (key.set === SAVED_RESULT) return selected.savedResult.has(uid);
      return matcher(key.set, selected.lastUid)(uid);
    }
    case 'modseq':
      return wireModseq(c.mail.modseq) >= key.modseq;
    case 'not':
      return !(await matches(key.key, c, scope));
    case 'or':
      return (await matches(key.a, c, scope)) || (await matches(key.b, c, scope));
    case 'and':
      for (const k of key.keys) if (!(await matches(k, c, scope))) return false;
      return true;
    case 'date': {
      if (key.of === 'internal') return compareDay(dayOf(c.mail.internalDate), key.op, key.day);
      const fields = await c.fields();
      const date = fields ? fieldValue(fields, 'date') : undefined;
      // Without a readable Date: header the arrival date stands in for the sending date.
      const day = (date !== undefined ? headerDay(date) : null) ?? dayOf(c.mail.internalDate);
      return compareDay(day, key.op, key.day);
    }
    case 'header': {
      const fields = await c.fields();
      if (!fields) return false;
      const values = fields.filter((f) => f.name === key.field);
      // RFC 3501: an empty string matches every message that has the field at all.
      if (key.value === '') return values.length > 0;
      const asText = ADDRESS_FIELDS.has(key.field) ? addressText : decodeHeaderValue;
      return values.some((f) => contains(asText(f.value), key.value));
    }
    case 'body':
    case 'text': {
      const m = await c.message();
      if (!m) return false;
      if (key.kind === 'text' && contains(headerText(m.root), key.value)) return true;
      return contains(bodyText(m.buf, m.root), key.value);
    }
  }
}

/** Whether any of the keys looks at header fields (HEADER, FROM, SUBJECT, SENTBEFORE...). */
export function readsHeaderFields(key: SearchKey): boolean {
  switch (key.kind) {
    case 'header':
      return true;
    case 'date':
      return key.of === 'sent';
    case 'not':
      return readsHeaderFields(key.key);
    case 'or':
      return readsHeaderFields(key.a) || readsHeaderFields(key.b);
    case 'and':
      return key.keys.some(readsHeaderFields);
    default:
      return false;
  }
}

/** The UIDs of the messages that match, in sequence order. */
export async function search(key: SearchKey, scope: SearchScope): Promise<number[]> {
  const out: number[] = [];
  const uids = scope.selected.all();
  const batched = scope.readHeaders !== undefined && readsHeaderFields(key);
  for (let start = 0; start < uids.length; start += batched ? HEADER_BATCH : uids.length) {
    const end = batched ? Math.min(uids.length, start + HEADER_BATCH) : uids.length;
    // A message expunged by another session but not yet announced (SEARCH may not send EXPUNGE, RFC 3501
    // 7.4.1) still has its sequence number in the client's view: it is matched on what is known of it (its
    // number, UID, flags, size, date; its content as the node kept it: commands/message-sources.ts).
    // imaptest's stress mode counts "SEARCH 13" without 13 as an error.
    const batch: { seq: number; uid: number; mail: StoredMail }[] = [];
    for (let i = start; i < end; i++) {
      const mail = scope.selected.get(uids[i]!);
      if (mail) batch.push({ seq: i + 1, uid: uids[i]!, mail });
    }
    const headers = batched ? await scope.readHeaders!(batch.map((b) => b.mail.id)) : null;
    for (const { seq, uid, mail } of batch) {
      const candidate = new Candidate(seq, mail, scope, headers ? (headers.get(mail.id) ?? null) : undefined);
      if (await matches(key, candidate, scope)) out.push(uid);
    }
  }
  return out;
}
