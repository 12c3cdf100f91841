import { describe, expect, it } from 'vitest';
import { missingHeaderLines, readHeaderFacts } from './submission-hygiene.ts';

const facts = (text: string) => readHeaderFacts([Buffer.from(text)]);

describe('readHeaderFacts', () => {
  it('finds From addresses (folded, with names, groups) and the Date and Message-ID fields', () => {
    const f = facts(
      'Subject: x\r\nfrom: "Alice A." <alice@example.test>,\r\n\tteam: bob@example.test;\r\nDATE: Fri, 4 Dec 2026 10:00:00 +0000\r\nMessage-Id: <1@x>\r\n\r\nFrom: mallory@evil.test\r\n',
    );
    expect(f).toEqual({ from: ['alice@example.test', 'bob@example.test'], hasFrom: true, hasDate: true, hasMessageId: true });
  });

  it('reads only the header block: a From line in the body is not a header', () => {
    expect(facts('Subject: x\r\n\r\nFrom: mallory@evil.test\r\n')).toEqual({ from: [], hasFrom: false, hasDate: false, hasMessageId: false });
  });

  it('reads headers split across chunks, and bare LF line ends', () => {
    expect(readHeaderFacts([Buffer.from('Fr'), Buffer.from('om: a@b.test\nDate: x\n\nbody')])).toMatchObject({ from: ['a@b.test'], hasDate: true });
  });
});

describe('missingHeaderLines', () => {
  const context = { queueId: 'Q1', hostname: 'mx.test', sender: 'alice@example.test', now: new Date(Date.UTC(2026, 11, 4, 10, 0, 0)) };
  it('adds From, Date and Message-ID when missing, nothing when present', () => {
    expect(missingHeaderLines(facts('Subject: x\r\n\r\n'), context)).toBe(
      `From: <alice@example.test>\r\nDate: Fri, 4 Dec 2026 10:00:00 +0000\r\nMessage-ID: <Q1.${context.now.getTime()}@mx.test>\r\n`,
    );
    expect(missingHeaderLines(facts('From: a@b\r\nDate: x\r\nMessage-ID: <y>\r\n\r\n'), context)).toBe('');
  });
});
