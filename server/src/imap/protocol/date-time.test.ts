import { describe, expect, it } from 'vitest';
import { dayOf, formatDateTime, headerDay, parseDateTime, parseSearchDate } from './date-time.ts';

describe('IMAP dates', () => {
  it('parses date-time with its zone and formats INTERNALDATE in UTC', () => {
    const ms = parseDateTime('17-Jul-1996 02:44:25 -0700');
    expect(new Date(ms).toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(parseDateTime(' 7-Jul-1996 02:44:25 +0000')).toBe(Date.UTC(1996, 6, 7, 2, 44, 25));
    expect(formatDateTime(ms)).toBe('17-Jul-1996 09:44:25 +0000');
    for (const bad of ['17-Jul-1996', '30-Feb-2024 00:00:00 +0000', '17-Foo-1996 02:44:25 -0700', '17-Jul-1996 25:00:00 +0000']) {
      expect(() => parseDateTime(bad)).toThrow();
    }
  });

  it("reads SEARCH dates and the day of a Date: header in the sender's zone", () => {
    expect(parseSearchDate('1-Feb-1994')).toBe(19940201);
    expect(() => parseSearchDate('29-Feb-2023')).toThrow();
    expect(headerDay('Tue, 1 Jul 2003 23:52:37 -0700')).toBe(20030701);
    expect(headerDay('1 Jan 99 00:00 GMT')).toBe(19990101);
    expect(headerDay('garbage')).toBeNull();
    expect(dayOf(Date.UTC(2024, 11, 31, 23, 59))).toBe(20241231);
  });
});
