// SORT (RFC 5256 section 3): orders messages by a list of criteria, each optionally reversed; strings
// compare with i;ascii-casemap, and messages equal on every criterion stay in sequence order.
import { compareCasemap } from './base-subject.ts';
import type { SortCriterion, SortKey } from '../protocol/sort-thread.ts';
import type { MessageFacts } from './message-facts.ts';

const byNumber = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

const COMPARE: Record<SortKey, (a: MessageFacts, b: MessageFacts) => number> = {
  ARRIVAL: (a, b) => byNumber(a.arrival, b.arrival),
  CC: (a, b) => compareCasemap(a.cc, b.cc),
  DATE: (a, b) => byNumber(a.sent, b.sent),
  FROM: (a, b) => compareCasemap(a.from, b.from),
  SIZE: (a, b) => byNumber(a.size, b.size),
  SUBJECT: (a, b) => compareCasemap(a.subject.text, b.subject.text),
  TO: (a, b) => compareCasemap(a.to, b.to),
};

export function sortMessages(messages: readonly MessageFacts[], criteria: readonly SortCriterion[]): MessageFacts[] {
  return [...messages].sort((a, b) => {
    for (const c of criteria) {
      const order = COMPARE[c.key](a, b);
      if (order !== 0) return c.reverse ? -order : order;
    }
    return a.seq - b.seq;
  });
}
