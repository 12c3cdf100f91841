import { describe, expect, it } from 'vitest';
import { authenticatedUser, authNeedsTls, ownsSender } from './auth-policy.ts';

describe('authNeedsTls', () => {
  it.each([
    ['10.0.0.5', false, true],
    ['192.0.2.1', false, true],
    ['2001:db8::1', false, true],
    ['::ffff:10.0.0.1', false, true],
    ['10.0.0.5', true, false],
    ['127.0.0.1', false, false],
    ['127.0.0.2', false, false],
    ['::1', false, false],
    ['::ffff:127.0.0.1', false, false],
    ['not an address', false, true],
  ])('client %s, secure=%s: TLS required = %s', (remoteAddress, secure, expected) => {
    expect(authNeedsTls({ remoteAddress, secure })).toBe(expected);
  });
});

describe('authenticatedUser', () => {
  it('is the user name only when AUTH succeeded', () => {
    expect(authenticatedUser({ user: 'alice@example.test' })).toBe('alice@example.test');
    expect(authenticatedUser({})).toBeUndefined();
    // What smtp-server leaves after STARTTLS: must not count as logged in.
    expect(authenticatedUser({ user: false })).toBeUndefined();
    expect(authenticatedUser({ user: '' })).toBeUndefined();
    expect(authenticatedUser({ user: { username: 'x' } })).toBeUndefined();
  });
});

describe('ownsSender', () => {
  const aliases = new Map([
    ['sales@example.test', 'alice@example.test'],
    ['team@example.test', 'sales@example.test'],
    ['bob-alias@example.test', 'bob@example.test'],
    ['loop1@example.test', 'loop2@example.test'],
    ['loop2@example.test', 'loop1@example.test'],
  ]);
  const directory = {
    findAlias: async (address: string) => {
      const target = aliases.get(address.toLowerCase());
      return target ? { address, target } : null;
    },
  };

  it.each([
    ['alice@example.test', true],
    ['ALICE@EXAMPLE.TEST', true],
    ['sales@example.test', true],
    ['team@example.test', true],
    ['bob@example.test', false],
    ['bob-alias@example.test', false],
    ['loop1@example.test', false],
    ['', false],
    ['not an address', false],
  ])('alice may send as %j: %s', async (sender, expected) => {
    expect(await ownsSender('alice@example.test', sender, directory)).toBe(expected);
  });
});
