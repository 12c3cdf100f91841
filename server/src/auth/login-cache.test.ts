import { describe, expect, it } from 'vitest';
import { LoginCache } from './login-cache.ts';

const account = { id: 7, passwordHash: 'scrypt$hash-1' };

describe('LoginCache', () => {
  it('remembers a success for the TTL, for that user and password and that stored hash only', () => {
    let now = 1_000_000;
    const cache = new LoginCache(() => now);
    cache.remember('Alice@example.test', 'pw', account, 60);
    expect(cache.has('alice@example.test', 'pw', account)).toBe(true);
    expect(cache.has('alice@example.test', 'other', account)).toBe(false);
    expect(cache.has('bob@example.test', 'pw', account)).toBe(false);
    // A changed password hash (a change made on any node) ends the entry at once.
    expect(cache.has('alice@example.test', 'pw', { ...account, passwordHash: 'scrypt$hash-2' })).toBe(false);
    expect(cache.has('alice@example.test', 'pw', account)).toBe(false);
    cache.remember('alice@example.test', 'pw', account, 60);
    now += 59_999;
    expect(cache.has('alice@example.test', 'pw', account)).toBe(true);
    now += 1;
    expect(cache.has('alice@example.test', 'pw', account)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with a TTL of 0, and never the password itself', () => {
    const cache = new LoginCache();
    cache.remember('alice@example.test', 'pw', account, 0);
    expect(cache.size).toBe(0);
    cache.remember('alice@example.test', 'a-secret-password', account, 60);
    const inside = JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries]);
    expect(inside).not.toContain('a-secret-password');
    expect(cache.has('alice@example.test', 'a-secret-password', account)).toBe(true);
  });
});
