// Mailbox names (imap/mailbox-name.ts): modified UTF-7 encoded and decoded, and whatever a client sends.
import fc from 'fast-check';
import { ImapError } from '../../src/imap/errors.ts';
import { decodeMailboxName, encodeMailboxName, mailboxFromWire } from '../../src/imap/mailbox-name.ts';
import { tokens, toBuffer } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const WIRE = ['&', '-', '&-', '&AOQ-', '&AOQ', '&Jjo-', '&2D3eAA-', '&2D0-', ',', '+', '/', 'INBOX', '.', 'Entw&APw-rfe', 'A', '\u00e4', '\xff', '\x00'];
/** Names with astral characters, lone surrogates, control characters and "&". */
const name = fc.string({ unit: fc.oneof(fc.constantFrom('&', '-', '/', '.', '\u00e4', '\ud83d', '\ude00', '\x00', '\x7f'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 20 });

export const mailboxNameTarget: FuzzTarget = {
  name: 'imap/mailbox-name',
  checks: 'encode then decode gives the name back, the encoding is printable ASCII; decoding random text gives a string or null; mailboxFromWire throws only ImapError',
  property: fc.property(name, tokens(WIRE, 12), (mailbox, wire) => {
    const encoded = encodeMailboxName(mailbox);
    if (!/^[\x20-\x7e]*$/.test(encoded)) throw new Error(`encoding ${JSON.stringify(encoded)} is not printable ASCII`);
    if (decodeMailboxName(encoded) !== mailbox) throw new Error(`${JSON.stringify(mailbox)} -> ${encoded} -> ${JSON.stringify(decodeMailboxName(encoded))}`);
    const decoded = decodeMailboxName(wire);
    if (decoded !== null && typeof decoded !== 'string') throw new Error('decode returned neither string nor null');
    onlyThrows(ImapError, () => mailboxFromWire(toBuffer(wire)));
    return true;
  }),
};
