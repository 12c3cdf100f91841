// IMAP dates (protocol/date-time.ts): INTERNALDATE written then read back, and random text.
import fc from 'fast-check';
import { ImapError } from '../../src/imap/errors.ts';
import { formatDateTime, headerDay, parseDateTime, parseSearchDate } from '../../src/imap/protocol/date-time.ts';
import { tokens } from '../arbitraries.ts';
import { onlyThrows, type FuzzTarget } from '../harness.ts';

const DICTIONARY = ['1', '17', '31', '00', '-', ' ', 'Jan', 'feb', 'FEB', 'Xyz', '1996', '0000', '9999', '02:44:25', '23:59:60', '24:00:00', '+0000', '-0700', '+9999', 'Mon, '];
/** Instants in the years date-time can write (four digits). */
const instant = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59) });

export const dateTimeTarget: FuzzTarget = {
  name: 'imap/date-time',
  checks: 'formatDateTime then parseDateTime is the same second; random text gives a date or ImapError (a Date: header day, null)',
  property: fc.property(instant, tokens(DICTIONARY, 12), (ms, text) => {
    const second = Math.floor(ms / 1000) * 1000;
    const written = formatDateTime(second);
    if (parseDateTime(written) !== second) throw new Error(`${written} read back wrong`);
    onlyThrows(ImapError, () => parseDateTime(text));
    onlyThrows(ImapError, () => parseSearchDate(text));
    const day = headerDay(text);
    return day === null || (Number.isInteger(day) && day > 0);
  }),
};
