import { describe, expect, it } from 'vitest';
import { crlf, nested } from './fixtures.ts';
import { mediaType, parseMessage } from './part.ts';
import { sectionBytes } from './section.ts';

const at = (buf: Buffer, from: number, to: number) => buf.toString('latin1', from, to);

describe('MIME walker', () => {
  it('finds every part with exact byte ranges', () => {
    const root = parseMessage(nested);
    expect(mediaType(root)).toBe('multipart/mixed');
    const [alt, fwd] = root.children;
    expect(alt!.children.map(mediaType)).toEqual(['text/plain', 'text/html']);
    expect(at(nested, alt!.children[0]!.bodyStart, alt!.children[0]!.end)).toBe('plain text');
    expect(mediaType(fwd!)).toBe('message/rfc822');
    expect(at(nested, fwd!.message!.bodyStart, fwd!.message!.end)).toBe('inner body\r\nsecond line');
  });

  it('answers BODY[section] with exact bytes (RFC 3501 6.4.5 numbering)', () => {
    const root = parseMessage(nested);
    const get = (path: number[], text?: 'HEADER' | 'TEXT' | 'MIME' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT', fields?: string[]) =>
      sectionBytes(nested, root, { path, ...(text ? { text } : {}), ...(fields ? { fields } : {}) })?.toString('latin1') ?? null;
    expect(get([])).toBe(nested.toString('latin1'));
    expect(get([], 'HEADER')).toBe('From: a@example.test\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n');
    expect(get([], 'HEADER.FIELDS', ['subject', 'X-None'])).toBe('Subject: nested\r\n\r\n');
    expect(get([], 'HEADER.FIELDS.NOT', ['Content-Type', 'From'])).toBe('Subject: nested\r\n\r\n');
    expect(get([1, 1])).toBe('plain text');
    expect(get([1, 2], 'MIME')).toBe('Content-Type: text/html\r\n\r\n');
    expect(get([2], 'HEADER')).toBe('From: b@example.test\r\nSubject: inner message\r\n\r\n');
    expect(get([2], 'TEXT')).toBe('inner body\r\nsecond line');
    expect(get([2, 1])).toBe('inner body\r\nsecond line');
    expect(get([2])).toBe('From: b@example.test\r\nSubject: inner message\r\n\r\ninner body\r\nsecond line');
    expect(get([3])).toBeNull();
    expect(get([1], 'TEXT')).toBeNull();
  });

  it('treats a single-part message as part 1', () => {
    const msg = crlf('Subject: x', '', 'just text', '');
    const root = parseMessage(msg);
    expect(sectionBytes(msg, root, { path: [1] })!.toString()).toBe('just text\r\n');
    expect(sectionBytes(msg, root, { path: [2] })).toBeNull();
  });

  it('never throws on malformed input', () => {
    const cases = [
      Buffer.alloc(0),
      crlf('no blank line at all'),
      crlf('Content-Type: multipart/mixed', '', 'no boundary parameter'),
      crlf('Content-Type: multipart/mixed; boundary=x', '', 'boundary never used'),
      crlf('Content-Type: multipart/mixed; boundary=x', '', '--x', 'Content-Type: text/plain', '', 'never closed'),
      crlf('Content-Type: text', '', 'bad type'),
      Buffer.from('Subject: lf only\n\nbody\n'),
      Buffer.concat(Array.from({ length: 40 }, (_, i) => crlf(`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`, ''))),
    ];
    for (const buf of cases) {
      const root = parseMessage(buf);
      expect(root.end).toBe(buf.length);
    }
    expect(parseMessage(cases[2]!).children).toHaveLength(1);
    expect(at(cases[4]!, parseMessage(cases[4]!).children[0]!.bodyStart, cases[4]!.length)).toBe('never closed');
    expect(mediaType(parseMessage(cases[5]!))).toBe('text/plain');
    expect(parseMessage(cases[6]!).fields[0]!.value).toBe('lf only');
  });
});
