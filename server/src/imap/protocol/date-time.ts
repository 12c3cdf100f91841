// Dates on the IMAP wire: date-time for INTERNALDATE and APPEND ("17-Jul-1996 02:44:25 -0700") and
// the day-only date of SEARCH ("1-Feb-1994"), plus the date of a Date: header for SENTBEFORE and co.
import { bad } from '../errors.ts';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day as a sortable number: 19940201. */
export type Day = number;

const day = (year: number, month: number, date: number): Day => year * 10000 + (month + 1) * 100 + date;

function validDay(year: number, month: number, date: number): boolean {
  const d = new Date(Date.UTC(year, month, date));
  return month >= 0 && d.getUTCFullYear() === year && d.getUTCMonth() === month && d.getUTCDate() === date;
}

/** date-time (RFC 3501 section 9) to milliseconds since the epoch. */
export function parseDateTime(text: string): number {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toUpperCase()) : -1;
  if (!m || !validDay(Number(m[3]), month, Number(m[1])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) {
    throw bad(`Invalid date-time "${text.slice(0, 40)}"`);
  }
  const offsetMinutes = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMinutes * 60_000;
}

/** The SEARCH date "1-Feb-1994". */
export function parseSearchDate(text: string): Day {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = m ? MONTHS.indexOf(m[2]!.toUpperCase()) : -1;
  if (!m || !validDay(Number(m[3]), month, Number(m[1]))) throw bad(`Invalid date "${text.slice(0, 40)}"`);
  return day(Number(m[3]), month, Number(m[1]));
}

/** The day of an instant, in UTC (the zone INTERNALDATE is given in). */
export const dayOf = (ms: number): Day => {
  const d = new Date(ms);
  return day(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
};

/** The day a Date: header names, in the sender's own zone as RFC 3501 SENTON asks; null if unreadable. */
export function headerDay(value: string): Day | null {
  const m = /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{2,4})/.exec(value);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toUpperCase());
  let year = Number(m[3]);
  if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 5322 4.3 obsolete two-digit years
  return validDay(year, month, Number(m[1])) ? day(year, month, Number(m[1])) : null;
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${MONTH_NAMES[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
