// FETCH data items and sections (protocol/fetch-items.ts), and the label a response gives a section.
import fc from 'fast-check';
import { ImapError } from '../../src/imap/errors.ts';
import { Cursor } from '../../src/imap/protocol/cursor.ts';
import { binaryLabel, parseFetchItems, sectionLabel } from '../../src/imap/protocol/fetch-items.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const DICTIONARY = [
  ' ',
  '(',
  ')',
  '[',
  ']',
  '<',
  '>',
  '.',
  '0',
  '1',
  '2',
  '4294967296',
  'BODY',
  'BODY.PEEK',
  'BINARY',
  'BINARY.PEEK',
  'BINARY.SIZE',
  'HEADER',
  'HEADER.FIELDS',
  'HEADER.FIELDS.NOT',
  'TEXT',
  'MIME',
  ' (From To)',
  ' ("X-A" {2}\r\nab)',
  ' ()',
  'UID',
  'FLAGS',
  'ALL',
  'FAST',
  'FULL',
  'RFC822',
  'RFC822.HEADER',
  'ENVELOPE',
  'BODYSTRUCTURE',
];

export const fetchItemsTarget: FuzzTarget = {
  name: 'imap/fetch-items',
  checks: 'parseFetchItems returns items (no more than the bytes read, bar the ALL/FULL macros) whose section labels can be written, or throws ImapError',
  property: fc.property(tokens(DICTIONARY, 30), (text) => {
    const items = onlyThrows(ImapError, () => parseFetchItems(new Cursor(toBuffer(text))));
    if (items instanceof Error) return true;
    if (items.length > Math.max(5, text.length)) throw new Error(`${items.length} items from ${text.length} bytes`);
    for (const item of items) {
      if (item.kind === 'SECTION') sectionLabel(item);
      if (item.kind === 'BINARY' || item.kind === 'BINARY.SIZE') binaryLabel(item);
    }
    return true;
  }),
};
