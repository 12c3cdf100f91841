import { describe, expect, it } from 'vitest';
import { decodePlain } from './sasl-plain.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('SASL PLAIN', () => {
  it('reads user and password, with an empty or matching authorisation identity', () => {
    expect(decodePlain(b64('\0alice@example.test\0p\u00e4ss word'))).toEqual({ ok: true, user: 'alice@example.test', password: 'p\u00e4ss word' });
    expect(decodePlain(b64('Alice@Example.test\0alice@example.test\0pw'))).toMatchObject({ ok: true });
  });

  it('refuses broken base64, missing fields and acting for someone else', () => {
    expect(decodePlain('!!!!')).toEqual({ ok: false, reason: 'invalid base64' });
    expect(decodePlain('YWJj=')).toEqual({ ok: false, reason: 'invalid base64' });
    expect(decodePlain(b64('alice\0pw'))).toEqual({ ok: false, reason: 'malformed PLAIN response' });
    expect(decodePlain(b64('\0alice\0'))).toEqual({ ok: false, reason: 'malformed PLAIN response' });
    expect(decodePlain(b64('bob\0alice\0pw'))).toEqual({ ok: false, reason: 'authorization identity must be empty or the user' });
  });
});
