import { describe, expect, it } from 'vitest';
import { patternMatcher } from '../list-pattern.ts';

const NAMES = ['INBOX', 'INBOX/Sub', 'Archive', 'Archive/2024', 'Archive/2024/Q1', 'a.b', 'a+b'];
const match = (reference: string, pattern: string) => NAMES.filter(patternMatcher(reference, pattern));

describe('LIST patterns', () => {
  it('"*" crosses levels, "%" stays within one', () => {
    expect(match('', '*')).toEqual(NAMES);
    expect(match('', '%')).toEqual(['INBOX', 'Archive', 'a.b', 'a+b']);
    expect(match('', 'Archive/%')).toEqual(['Archive/2024']);
    expect(match('Archive/', '*')).toEqual(['Archive/2024', 'Archive/2024/Q1']);
  });

  it('matches INBOX case-insensitively and treats other characters literally', () => {
    expect(match('', 'inbox')).toEqual(['INBOX']);
    expect(match('', 'Inbox/%')).toEqual(['INBOX/Sub']);
    expect(match('', 'archive')).toEqual([]);
    expect(match('', 'a.b')).toEqual(['a.b']);
    expect(match('', 'a+b')).toEqual(['a+b']);
  });
});
