// FETCH data items (RFC 3501 section 6.4.5) and their sections: BODY[1.2.HEADER.FIELDS (From)]<0.512>.
import { bad } from '../errors.ts';
import type { Cursor } from './cursor.ts';

export type SectionText = 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';

export interface Section {
  /** Part numbers, [] for the whole message. */
  path: number[];
  text?: SectionText;
  /** Header field names for HEADER.FIELDS[.NOT], as the client wrote them. */
  fields?: string[];
}

export type FetchItem =
  | { kind: 'UID' | 'MODSEQ' | 'FLAGS' | 'INTERNALDATE' | 'RFC822.SIZE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' | 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'SECTION'; peek: boolean; section: Section; partial?: { start: number; length: number } }
  /** BINARY (RFC 3516): a part's content with its Content-Transfer-Encoding undone; path [] is the whole message. */
  | { kind: 'BINARY'; peek: boolean; path: number[]; partial?: { start: number; length: number } }
  | { kind: 'BINARY.SIZE'; path: number[] };

const SIMPLE = new Set(['UID', 'MODSEQ', 'FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const MACROS: Record<string, FetchItem['kind'][]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Item name: letters, digits and dots, up to "[", a space or ")". */
function itemName(c: Cursor): string {
  const start = c.pos;
  while (!c.done && /[A-Za-z0-9.]/.test(String.fromCharCode(c.peek()))) c.pos++;
  if (c.pos === start) throw bad('Expected a FETCH data item');
  return c.data.toString('latin1', start, c.pos).toUpperCase();
}

function section(c: Cursor): Section {
  c.char('[');
  const path: number[] = [];
  while (c.peek() >= 0x30 && c.peek() <= 0x39) {
    path.push(c.nzNumber('a part number'));
    if (!c.tryChar('.')) break;
  }
  const out: Section = { path };
  if (c.tryChar(']')) {
    if (path.length > 0 && c.data[c.pos - 2] === 0x2e) throw bad('Section ends with "."');
    return out;
  }
  if (path.length > 0 && c.data[c.pos - 1] !== 0x2e) throw bad('Expected "." after the part number');
  const word = itemName(c);
  if (word === 'HEADER' || word === 'TEXT') out.text = word;
  else if (word === 'MIME') {
    if (path.length === 0) throw bad('MIME needs a part number');
    out.text = 'MIME';
  } else if (word === 'HEADER.FIELDS' || word === 'HEADER.FIELDS.NOT') {
    out.text = word;
    c.space();
    c.char('(', 'a list of header field names');
    const fields: string[] = [];
    while (!c.tryChar(')')) {
      if (fields.length > 0) c.space();
      const name = c.astring('a header field name').toString('latin1');
      if (!FIELD_NAME.test(name)) throw bad('Invalid header field name');
      fields.push(name);
    }
    if (fields.length === 0) throw bad('Empty header field list');
    out.fields = fields;
  } else {
    throw bad(`Unknown section "${word.slice(0, 30)}"`);
  }
  c.char(']');
  return out;
}

/** section-binary = "[" [section-part] "]": part numbers only, no HEADER, TEXT or MIME. */
function binarySection(c: Cursor): number[] {
  c.char('[', 'a BINARY section');
  const path: number[] = [];
  while (!c.tryChar(']')) {
    if (path.length > 0) c.char('.', '"." or "]" in a BINARY section');
    if (c.peek() < 0x30 || c.peek() > 0x39) throw bad('A BINARY section has part numbers only');
    path.push(c.nzNumber('a part number'));
    if (path.length > 100) throw bad('BINARY section nested too deep');
  }
  return path;
}

function partial(c: Cursor): { start: number; length: number } | undefined {
  if (!c.tryChar('<')) return undefined;
  const start = c.number('a partial start');
  c.char('.');
  const length = c.nzNumber('a partial length');
  c.char('>');
  return { start, length };
}

function fetchAtt(c: Cursor): FetchItem {
  const name = itemName(c);
  if (name === 'BINARY' || name === 'BINARY.PEEK') {
    const path = binarySection(c);
    const range = partial(c);
    return { kind: 'BINARY', peek: name === 'BINARY.PEEK', path, ...(range ? { partial: range } : {}) };
  }
  if (name === 'BINARY.SIZE') return { kind: 'BINARY.SIZE', path: binarySection(c) };
  if (name === 'BODY' || name === 'BODY.PEEK') {
    if (c.peek() !== 0x5b) {
      if (name === 'BODY.PEEK') throw bad('BODY.PEEK needs a section');
      return { kind: 'BODY' };
    }
    const item: FetchItem = { kind: 'SECTION', peek: name === 'BODY.PEEK', section: section(c) };
    const range = partial(c);
    if (range) item.partial = range;
    return item;
  }
  if (SIMPLE.has(name)) return { kind: name as 'UID' };
  throw bad(`Unknown FETCH data item "${name.slice(0, 30)}"`);
}

export function parseFetchItems(c: Cursor): FetchItem[] {
  if (c.tryChar('(')) {
    const items: FetchItem[] = [];
    while (!c.tryChar(')')) {
      if (items.length > 0) c.space();
      items.push(fetchAtt(c));
    }
    if (items.length === 0) throw bad('Empty FETCH item list');
    return items;
  }
  const start = c.pos;
  const name = itemName(c);
  const macro = MACROS[name];
  if (macro && c.peek() !== 0x5b) return macro.map((kind) => ({ kind }) as FetchItem);
  c.pos = start;
  return [fetchAtt(c)];
}

/** How the response names a BINARY item: BINARY[1.2]<0>, BINARY.SIZE[1]. */
export function binaryLabel(item: Extract<FetchItem, { kind: 'BINARY' | 'BINARY.SIZE' }>): string {
  const range = item.kind === 'BINARY' && item.partial ? `<${item.partial.start}>` : '';
  return `${item.kind}[${item.path.join('.')}]${range}`;
}

/** How the response names a section: BODY[1.HEADER.FIELDS (From To)]<0>. */
export function sectionLabel(item: Extract<FetchItem, { kind: 'SECTION' }>): string {
  const { path, text, fields } = item.section;
  const spec = [path.join('.'), text ?? ''].filter((s) => s !== '').join('.');
  const list = fields ? ` (${fields.join(' ')})` : '';
  return `BODY[${spec}${list}]${item.partial ? `<${item.partial.start}>` : ''}`;
}
