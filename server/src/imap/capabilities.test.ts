import { describe, expect, it } from 'vitest';
import { capabilities } from './capabilities.ts';

describe('capabilities', () => {
  const base = { appendMaxBytes: 1000 };
  it('offers login in the clear only where allowed, STARTTLS until TLS is on', () => {
    expect(capabilities({ ...base, authenticated: false, secure: false, plaintextAllowed: false })).toEqual(expect.arrayContaining(['STARTTLS', 'LOGINDISABLED']));
    expect(capabilities({ ...base, authenticated: false, secure: false, plaintextAllowed: false })).not.toContain('AUTH=PLAIN');
    const tls = capabilities({ ...base, authenticated: false, secure: true, plaintextAllowed: true });
    expect(tls).toContain('AUTH=PLAIN');
    expect(tls).not.toContain('STARTTLS');
  });

  it('drops login mechanisms after login and always names the extensions and APPENDLIMIT', () => {
    const caps = capabilities({ ...base, authenticated: true, secure: false, plaintextAllowed: true });
    expect(caps).not.toContain('AUTH=PLAIN');
    expect(caps).not.toContain('STARTTLS');
    expect(caps).toEqual(expect.arrayContaining(['IMAP4rev1', 'IDLE', 'UIDPLUS', 'MOVE', 'NAMESPACE', 'LITERAL+', 'SPECIAL-USE', 'ID', 'ENABLE', 'APPENDLIMIT=1000']));
    expect(caps).toEqual(expect.arrayContaining(['BINARY', 'MULTIAPPEND', 'LIST-EXTENDED', 'LIST-STATUS', 'CREATE-SPECIAL-USE', 'QUOTA', 'QUOTA=RES-STORAGE', 'QUOTA=RES-MESSAGE']));
  });
});
