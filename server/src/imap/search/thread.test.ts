import { describe, expect, it } from 'vitest';
import { baseSubject } from './base-subject.ts';
import type { MessageFacts } from './message-facts.ts';
import { sortMessages } from './sort.ts';
import { formatThreads, orderedSubject, references, type ThreadNode } from './thread.ts';

let seq = 0;
function msg(fields: { subject?: string; sent?: number; id?: string | null; refs?: string[]; from?: string; size?: number; arrival?: number }): MessageFacts {
  seq++;
  return {
    uid: seq * 10,
    seq,
    arrival: fields.arrival ?? seq,
    size: fields.size ?? 100,
    sent: fields.sent ?? seq * 1000,
    from: fields.from ?? '',
    to: '',
    cc: '',
    subject: baseSubject(fields.subject ?? ''),
    messageId: fields.id === undefined ? `<m${seq}@x>` : fields.id,
    references: fields.refs ?? [],
  };
}
const bySeq = (threads: ThreadNode[]) => formatThreads(threads, (m) => m.seq);

describe('SORT', () => {
  it('orders by each criterion in turn, REVERSE per criterion, ties by sequence number', () => {
    seq = 0;
    const a = msg({ subject: 'Re: beta', from: 'zed', size: 5 });
    const b = msg({ subject: 'alpha', from: 'amy', size: 5 });
    const c = msg({ subject: 'BETA', from: 'Amy', size: 9 });
    const d = msg({ subject: 'gamma', from: 'bob', size: 1 });
    const order = (criteria: Parameters<typeof sortMessages>[1]) => sortMessages([a, b, c, d], criteria).map((m) => m.seq);
    expect(order([{ key: 'SUBJECT', reverse: false }])).toEqual([2, 1, 3, 4]);
    expect(order([{ key: 'FROM', reverse: false }])).toEqual([2, 3, 4, 1]);
    expect(
      order([
        { key: 'SIZE', reverse: true },
        { key: 'SUBJECT', reverse: false },
      ]),
    ).toEqual([3, 2, 1, 4]);
    expect(
      order([
        { key: 'SUBJECT', reverse: true },
        { key: 'DATE', reverse: true },
      ]),
    ).toEqual([4, 3, 1, 2]);
    expect(order([{ key: 'ARRIVAL', reverse: true }])).toEqual([4, 3, 2, 1]);
  });
});

describe('THREAD formatting (RFC 5256 section 4)', () => {
  it('writes the RFC example: a chain, a parent with several children, and a dummy', () => {
    const n = (s: number, ...children: ThreadNode[]): ThreadNode => ({ message: { seq: s } as MessageFacts, children });
    const tree = [n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))];
    expect(bySeq(tree)).toBe('(2)(3 6 (4 23)(44 7 96))');
    expect(bySeq([{ message: null, children: [n(3), n(5)] }])).toBe('((3)(5))');
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject, the earliest the parent of the rest, threads by their first date', () => {
    seq = 0;
    const messages = [
      msg({ subject: 'b topic', sent: 5000 }),
      msg({ subject: 'Re: a topic', sent: 3000 }),
      msg({ subject: 'A topic', sent: 2000 }),
      msg({ subject: 'Re: B topic', sent: 1000 }),
      msg({ subject: 'a TOPIC (fwd)', sent: 4000 }),
      msg({ subject: 'single', sent: 2500 }),
    ];
    expect(bySeq(orderedSubject(messages))).toBe('(4 1)(3 (2)(5))(6)');
  });
});

describe('THREAD=REFERENCES', () => {
  it('links by References and In-Reply-To, children sorted by date', () => {
    seq = 0;
    const messages = [
      msg({ id: '<a@x>', subject: 'root' }),
      msg({ id: '<c@x>', refs: ['<a@x>', '<b@x>'], subject: 'Re: root', sent: 9000 }),
      msg({ id: '<b@x>', refs: ['<a@x>'], subject: 'Re: root' }),
      msg({ id: '<d@x>', refs: ['<a@x>'], subject: 'Re: root', sent: 100 }),
      msg({ id: '<e@x>', subject: 'other' }),
    ];
    // d was sent before b, so it comes first among a's children; c hangs under b.
    expect(bySeq(references(messages))).toBe('(1 (4)(3 2))(5)');
  });

  it('keeps a dummy for a missing parent of several, and promotes the only child of one', () => {
    seq = 0;
    const messages = [msg({ refs: ['<gone@x>'], subject: 'Re: one' }), msg({ refs: ['<gone@x>'], subject: 'Re: one' }), msg({ refs: ['<lost@x>'], subject: 'two' })];
    expect(bySeq(references(messages))).toBe('((1)(2))(3)');
  });

  it('gathers root threads with the same base subject, a reply under its original', () => {
    seq = 0;
    const messages = [msg({ subject: 'Lunch?' }), msg({ subject: 'Re: lunch?' }), msg({ subject: 'Dinner' }), msg({ subject: 'dinner' })];
    // Two originals with one subject go under a dummy; the reply without References joins its original.
    expect(bySeq(references(messages))).toBe('(1 2)((3)(4))');
  });

  it('survives loops, duplicate and missing Message-IDs', () => {
    seq = 0;
    const messages = [msg({ id: '<a@x>', refs: ['<b@x>'], subject: 'x' }), msg({ id: '<b@x>', refs: ['<a@x>'], subject: 'y' }), msg({ id: '<a@x>', subject: 'z' }), msg({ id: null, subject: 'w' })];
    const out = bySeq(references(messages));
    for (const n of [1, 2, 3, 4]) expect(out).toMatch(new RegExp(`\\b${n}\\b`));
    // b would make a loop as a's parent's parent: it stays a root, with a (which named it first) under it.
    expect(out).toBe('(2 1)(3)(4)');
  });
});
