import { describe, expect, it } from 'vitest';
import { MAX_SUBJECT_CHARS, baseSubject, compareCasemap } from './base-subject.ts';

describe('base subject (RFC 5256 2.1)', () => {
  it.each([
    ['Hello', 'Hello', false],
    ['Re: Hello', 'Hello', true],
    ['RE:   Hello  ', 'Hello', true],
    ['Re: re: Fwd: FW: Hello', 'Hello', true],
    ['Re[2]: Hello', 'Hello', true], // subj-refwd allows a blob right after "re"
    ['Reply: Hello', 'Reply: Hello', false],
    ['Re [2]: Hello', 'Hello', true],
    ['[mailroom-dev] Re: Hello', 'Hello', true],
    ['[list] Hello', 'Hello', false],
    ['[list]', '[list]', false], // a blob that would leave nothing stays
    ['Hello (fwd)', 'Hello', true],
    ['Hello (fwd) (FWD)  ', 'Hello', true],
    ['[Fwd: Hello]', 'Hello', true],
    ['[Fwd: Re: [list] Hello (fwd)]', 'Hello', true],
    ['Re: [Fwd: Re: Hello]', 'Hello', true],
    ['Hello\t\r\n  world', 'Hello world', false],
    ['=?UTF-8?Q?Re:_Gr=C3=BC=C3=9Fe?=', 'Grüße', true],
    ['', '', false],
    ['Re:', '', true],
  ])('%j -> %j', (raw, text, replyOrForward) => {
    expect(baseSubject(raw)).toEqual({ text, replyOrForward });
  });

  it('looks at the first MAX_SUBJECT_CHARS characters only, so a subject of many blobs stays cheap', () => {
    const hostile = `${'[x]'.repeat(100_000)} Hello`;
    expect(baseSubject(hostile).text.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
    expect(baseSubject(`Re: ${'a'.repeat(5000)}`).text).toBe('a'.repeat(MAX_SUBJECT_CHARS - 4));
  });

  it('compares with i;ascii-casemap: ASCII letters without case, other characters by code', () => {
    expect(compareCasemap('hello', 'HELLO')).toBe(0);
    expect(compareCasemap('apple', 'Banana')).toBeLessThan(0);
    expect(compareCasemap('é', 'É')).not.toBe(0);
  });
});
