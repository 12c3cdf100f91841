import { describe, expect, it } from 'vitest';
import { countReceivedHeaders, headerEnd } from './hop-count.ts';

const message = (hops: number, bodyLines = '') => Buffer.from(`${'Received: from a (b) by c; Mon, 1 Jan 2026 00:00:00 +0000\r\n'.repeat(hops)}Subject: x\r\n\r\n${bodyLines}`);

describe('countReceivedHeaders', () => {
  it('counts Received fields in the header, in any case', () => {
    expect(countReceivedHeaders(message(0))).toBe(0);
    expect(countReceivedHeaders(message(3))).toBe(3);
    expect(countReceivedHeaders(Buffer.from('received: x\r\nRECEIVED: y\r\n\r\n'))).toBe(2);
  });

  it('ignores Received lines in the body and folded continuation lines', () => {
    expect(countReceivedHeaders(message(1, 'Received: in the body\r\nReceived: again\r\n'))).toBe(1);
    expect(countReceivedHeaders(Buffer.from('Received: from a\r\n\tby b\r\nX-Received: no\r\n\r\n'))).toBe(1);
  });

  it('handles bare LF line ends and a message without a body', () => {
    expect(countReceivedHeaders(Buffer.from('Received: a\nReceived: b\n\nReceived: body\n'))).toBe(2);
    expect(countReceivedHeaders(Buffer.from('Received: a\r\nReceived: b'))).toBe(2);
  });

  it('counts nothing in a message that starts with an empty line ("\\r\\nReceived: x\\r\\n", found by fuzzing)', () => {
    expect(countReceivedHeaders(Buffer.from('\r\nReceived: x\r\n'))).toBe(0);
    expect(countReceivedHeaders(Buffer.from('\nReceived: x\n'))).toBe(0);
    expect(headerEnd(Buffer.from('\r\nbody'))).toBe(0);
  });

  it('ends the header at an empty CRLF line after a bare-LF line ("Received: x\\n\\r\\nRECEIVED:", found by fuzzing)', () => {
    expect(countReceivedHeaders(Buffer.from('Received: x\n\r\nRECEIVED:\r\n\r\n'))).toBe(1);
    expect(headerEnd(Buffer.from('A: 1\n\r\nbody'))).toBe(4);
  });

  it('finds the first empty line, whichever line ending it has', () => {
    expect(headerEnd(Buffer.from('A: 1\r\nB: 2\r\n\r\nbody\n\nmore'))).toBe(10);
    expect(headerEnd(Buffer.from('A: 1\nB: 2\n\nbody\r\n\r\nmore'))).toBe(9);
    expect(headerEnd(Buffer.from('A: 1\r\n\r\n'))).toBe(4);
    expect(headerEnd(Buffer.from('A: 1\r\n\nB'))).toBe(5);
    expect(headerEnd(Buffer.from('A: 1\r\nB: 2'))).toBe(10);
  });
});
