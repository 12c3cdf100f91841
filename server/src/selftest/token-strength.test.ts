import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tokenWeakness } from './token-strength.ts';

describe('tokenWeakness', () => {
  it('passes random tokens from the usual generators', () => {
    for (let i = 0; i < 20; i++) {
      expect(tokenWeakness(crypto.randomBytes(32).toString('hex'))).toBeNull();
      expect(tokenWeakness(crypto.randomBytes(16).toString('hex'))).toBeNull();
      expect(tokenWeakness(crypto.randomBytes(24).toString('base64url'))).toBeNull();
    }
  });

  it('flags short, low-variety and repeated tokens, naming counts only', () => {
    expect(tokenWeakness('correct-horse-battery')).toBe('21 characters, fewer than 32');
    expect(tokenWeakness('a'.repeat(64))).toBe('only 1 different characters');
    expect(tokenWeakness('0123456789'.repeat(4))).toBe('a short pattern repeated');
    expect(tokenWeakness('')).toBe('0 characters, fewer than 32');
  });
});
