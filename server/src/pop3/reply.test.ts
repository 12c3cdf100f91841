import { describe, expect, it } from 'vitest';
import { Pop3Error, multiline, stuffMessage } from './reply.ts';

describe('POP3 replies', () => {
  it('writes -ERR with an RFC 2449 response code', () => {
    expect(new Pop3Error('Maildrop is in use', 'IN-USE').line).toBe('-ERR [IN-USE] Maildrop is in use\r\n');
    expect(new Pop3Error('No such message').line).toBe('-ERR No such message\r\n');
    expect(multiline('2 messages', ['1 10', '2 20'])).toBe('+OK 2 messages\r\n1 10\r\n2 20\r\n.\r\n');
  });

  it('byte-stuffs lines starting with a dot, ends every line in CRLF and terminates the body', () => {
    const content = Buffer.from('Subject: x\r\n\r\n.hidden\r\n..two\nbare lf\r\nno final newline');
    expect(stuffMessage(content).toString()).toBe('Subject: x\r\n\r\n..hidden\r\n...two\r\nbare lf\r\nno final newline\r\n.\r\n');
    expect(stuffMessage(Buffer.from('.\r\n')).toString()).toBe('..\r\n.\r\n');
    expect(stuffMessage(Buffer.alloc(0)).toString()).toBe('.\r\n');
  });

  it('sends the header and the first n body lines for TOP', () => {
    const content = Buffer.from('A: 1\r\nB: 2\r\n\r\nl1\r\n.l2\r\nl3\r\n');
    expect(stuffMessage(content, 0).toString()).toBe('A: 1\r\nB: 2\r\n\r\n.\r\n');
    expect(stuffMessage(content, 2).toString()).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n');
    expect(stuffMessage(content, 99).toString()).toBe('A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n');
  });
});
