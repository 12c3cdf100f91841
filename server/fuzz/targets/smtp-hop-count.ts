// Received-header counting (smtp/hop-count.ts) against a line-by-line reference.
import fc from 'fast-check';
import { countReceivedHeaders } from '../../src/smtp/hop-count.ts';
import { toBuffer } from '../arbitraries.ts';
import type { FuzzTarget } from '../harness.ts';

/** Received: lines (any case) before the first empty line, whether lines end in CRLF or LF. */
export function referenceCount(message: string): number {
  let count = 0;
  for (const line of message.split('\n')) {
    if (line === '' || line === '\r') break;
    if (/^received:/i.test(line)) count++;
  }
  return count;
}

const message = fc
  .array(fc.constantFrom('Received: x', 'RECEIVED:', 'received: y', 'X-Received: z', ' folded', 'Subject: s', '', '\r', 'Received'), { maxLength: 20 })
  .chain((lines) => fc.array(fc.constantFrom('\r\n', '\n'), { minLength: lines.length, maxLength: lines.length }).map((ends) => lines.map((l, i) => l + ends[i]).join('')));

export const hopCountTarget: FuzzTarget = {
  name: 'smtp/hop-count',
  checks: 'countReceivedHeaders counts the Received: fields before the first empty line, like a line-by-line reference, for CRLF, LF and mixed line ends',
  property: fc.property(message, (text) => {
    const got = countReceivedHeaders(toBuffer(text));
    const expected = referenceCount(text);
    if (got !== expected) throw new Error(`${got} Received fields counted, reference ${expected} in ${JSON.stringify(text)}`);
    return true;
  }),
};
