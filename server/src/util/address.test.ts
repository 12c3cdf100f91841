import { describe, expect, it } from 'vitest';
import { domainOf, parseAddress } from './address.ts';

describe('parseAddress', () => {
  it.each([
    ['alice@example.com', 'alice', 'example.com'],
    ['Alice.Smith+tag@EXAMPLE.com', 'Alice.Smith+tag', 'example.com'],
    ['alice@example.com.', 'alice', 'example.com'],
    ['"john..doe"@example.com', '"john..doe"', 'example.com'],
    ['user%foreign.test@example.com', 'user%foreign.test', 'example.com'],
    ['host!user@example.com', 'host!user', 'example.com'],
    ['jörg@bücher.example', 'jörg', 'bücher.example'],
  ])('%j: local part kept as is, domain lower case', (input, local, domain) => {
    const parsed = parseAddress(input);
    expect(parsed).toEqual({ local, domain, normalized: `${local}@${domain}` });
  });

  it('never reads routing out of the local part: the domain is always what follows the last @', () => {
    expect(parseAddress('user%foreign.test@example.com')!.domain).toBe('example.com');
    expect(parseAddress('foreign.test!user@example.com')!.domain).toBe('example.com');
    expect(parseAddress('"user@foreign.test"@example.com')!.domain).toBe('example.com');
  });

  it.each([
    'alice',
    'alice@',
    '@example.com',
    'alice@@example.com',
    'a..b@example.com',
    '.alice@example.com',
    'alice.@example.com',
    'alice@[127.0.0.1]',
    'alice@[IPv6:::1]',
    'alice@-example.com',
    'alice@example..com',
    'ali ce@example.com',
    // Valid in RFC 5321, but smtp-server splits commands on white space, so it never arrives whole.
    '"john doe"@example.com',
    '<alice@example.com>',
    'alice@example.com\r\nRCPT TO:<x@y>',
    'ali\0ce@example.com',
    `${'a'.repeat(65)}@example.com`,
    `a@${'b'.repeat(64)}.com`,
    `a@${'b.'.repeat(130)}com`,
    '"unterminated@example.com',
    'foreign.test!user',
  ])('refuses %j', (input) => {
    expect(parseAddress(input)).toBeNull();
  });
});

describe('domainOf', () => {
  it('is the lower-case domain after the last @, without a trailing dot', () => {
    expect(domainOf('a@Example.COM.')).toBe('example.com');
    expect(domainOf('"x@y"@z.test')).toBe('z.test');
    expect(domainOf('nodomain')).toBe('');
  });
});
