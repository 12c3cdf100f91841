import { describe, expect, it } from 'vitest';
import { parseAddressList } from './address.ts';

const short = (value: string) => parseAddressList(value).map((a) => [a.name, a.adl, a.mailbox, a.host]);

describe('address lists for ENVELOPE', () => {
  it('reads display names, quoted names, comments and bare addresses', () => {
    expect(short('"Doe, John" <john@example.test>, jane@example.test (Jane), =?UTF-8?Q?J=C3=BCrgen?= <j@x.test>')).toEqual([
      ['Doe, John', null, 'john', 'example.test'],
      // The comment after a bare address is its display name (as Dovecot; imaptest's fetch-envelope expects it).
      ['Jane', null, 'jane', 'example.test'],
      ['=?UTF-8?Q?J=C3=BCrgen?=', null, 'j', 'x.test'],
    ]);
  });

  it('keeps groups with their start and end markers, and source routes', () => {
    expect(short('Team: a@x.test, "B" <b@x.test>;, c@y.test')).toEqual([
      [null, null, 'Team', null],
      [null, null, 'a', 'x.test'],
      ['B', null, 'b', 'x.test'],
      [null, null, null, null],
      [null, null, 'c', 'y.test'],
    ]);
    expect(short('undisclosed-recipients:;')).toEqual([
      [null, null, 'undisclosed-recipients', null],
      [null, null, null, null],
    ]);
    expect(short('<@relay.test,@r2.test:user@x.test>')).toEqual([[null, '@relay.test,@r2.test', 'user', 'x.test']]);
  });

  it('keeps quoted local parts and copes with junk', () => {
    expect(short('"john doe"@example.test')).toEqual([[null, null, '"john doe"', 'example.test']]);
    expect(short('nobody')).toEqual([[null, null, 'nobody', '']]);
    expect(short(',,, <>')).toEqual([]);
    expect(short('')).toEqual([]);
    expect(() => short('"unterminated <a@b')).not.toThrow();
    expect(() => short('<<<>>> @@@ ;;; :::')).not.toThrow();
  });
});
