import { describe, expect, it } from 'vitest';
import { authservId, removeForgedResults } from './authentication-results.ts';

describe('authservId', () => {
  it('reads the authserv-id before the first semicolon, without comments, folding or case', () => {
    expect(authservId(' MX.Mailroom.Test; spf=pass')).toBe('mx.mailroom.test');
    expect(authservId(' (forged?) mx.mailroom.test 1;\r\n dkim=pass')).toBe('mx.mailroom.test');
    expect(authservId(' mx.mailroom.test')).toBe('mx.mailroom.test');
  });
});

describe('removeForgedResults', () => {
  const body = '\r\nHello; Authentication-Results: mx.mailroom.test; spf=pass\r\n';
  it('removes our fields, folded lines included, and keeps other servers and the body', () => {
    const message = Buffer.from(
      'Received: by other\r\nAuthentication-Results: mx.mailroom.test; spf=pass;\r\n dkim=pass\r\nauthentication-results:MX.MAILROOM.TEST;dmarc=pass\r\nAuthentication-Results: other.example; dkim=none\r\nSubject: hi\r\n' +
        body,
    );
    const { content, removed } = removeForgedResults(message, 'mx.mailroom.test');
    expect(removed).toBe(2);
    expect(content.toString()).toBe('Received: by other\r\nAuthentication-Results: other.example; dkim=none\r\nSubject: hi\r\n' + body);
  });

  it('leaves a message without such fields as it is (the same buffer)', () => {
    const message = Buffer.from('Subject: hi\r\n' + body);
    expect(removeForgedResults(message, 'mx.mailroom.test')).toEqual({ content: message, removed: 0 });
  });

  it('handles a message that is all header, LF line ends and a stray continuation line at the top', () => {
    const message = Buffer.from(' stray\nAuthentication-Results: mx.mailroom.test; spf=pass\nSubject: x\n');
    expect(removeForgedResults(message, 'mx.mailroom.test').content.toString()).toBe(' stray\nSubject: x\n');
  });
});
